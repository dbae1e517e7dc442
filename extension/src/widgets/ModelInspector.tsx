/** The main-area inspector of one model: report, Serve with its servers, and the request console. */
import { Notification } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { isActive, ServebookModel } from '../model';
import { servebookIcon } from '../icons';
import { useSignals } from './hooks';
import {
  EnvironmentView,
  FilesView,
  FlavorsView,
  formatBytes,
  InputExampleView,
  RunView,
  Section,
  SignatureView,
  TrustBadge,
  TrustView
} from './ReportSections';
import { RequestConsole } from './RequestConsole';
import { ServerCard } from './ServerCard';

function InspectorView(props: {
  model: ServebookModel;
  path: string;
}): JSX.Element {
  const { model, path } = props;
  useSignals(model.reportChanged, model.serversChanged);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  useEffect(() => {
    if (!model.report(path).report) {
      void model.loadReport(path);
    }
  }, [model, path]);

  const { report, loading, error } = model.report(path);
  const servers = model.serversFor(path);
  const ready = servers.filter(server => server.state === 'ready');

  const serve = async () => {
    setStarting(true);
    setStartError(null);
    try {
      await model.startServer(path);
    } catch (err) {
      setStartError((err as Error).message);
    } finally {
      setStarting(false);
    }
  };

  const stop = async (id: string) => {
    await model.stopServer(id);
  };
  const forget = async (id: string) => {
    await model.forgetServer(id);
  };

  return (
    <div className="sb-inspector">
      <header className="sb-inspector-head">
        <h2>{report?.name ?? path.split('/').pop()}</h2>
        <code className="sb-muted">{path}</code>
        {report ? <TrustBadge verdict={report.trust.verdict} /> : null}
        <span className="sb-spacer" />
        <button
          className="jp-mod-styled sb-button"
          disabled={loading}
          aria-label={`Reload the report of ${path}`}
          onClick={() => void model.loadReport(path)}
        >
          {loading ? 'Loading…' : 'Reload'}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept sb-button sb-serve"
          disabled={starting || !!report?.error}
          aria-label={`Serve ${path}`}
          onClick={() => void serve()}
        >
          {starting
            ? 'Starting…'
            : servers.some(isActive)
              ? 'Serve another'
              : 'Serve'}
        </button>
      </header>
      {error ? (
        <div className="sb-error" role="alert">
          {error}
        </div>
      ) : null}
      {startError ? (
        <div className="sb-error" role="alert">
          {startError}
        </div>
      ) : null}
      {report?.error ? (
        <div className="sb-error" role="alert">
          {report.error}
        </div>
      ) : null}
      {servers.length > 0 ? (
        <Section title="Servers" className="sb-servers">
          {servers.map(server => (
            <ServerCard
              key={server.id}
              server={server}
              onStop={stop}
              onForget={forget}
            />
          ))}
        </Section>
      ) : null}
      {report && ready.length > 0 ? (
        <RequestConsole model={model} report={report} servers={ready} />
      ) : null}
      {report ? (
        <>
          <p className="sb-muted sb-meta">
            {report.utc_time_created
              ? `Created ${report.utc_time_created} UTC · `
              : ''}
            {report.mlflow_version
              ? `MLflow format ${report.mlflow_version} · `
              : ''}
            {formatBytes(report.model_size_bytes ?? report.total_size)}
            {report.model_uuid ? ` · uuid ${report.model_uuid}` : ''}
          </p>
          <SignatureView signature={report.signature} />
          <InputExampleView example={report.input_example} />
          <EnvironmentView environment={report.environment} />
          <TrustView trust={report.trust} />
          <FlavorsView flavors={report.flavors} />
          <RunView run={report.run} />
          <FilesView
            files={report.files}
            truncated={report.files_truncated}
            total={report.total_size}
          />
        </>
      ) : loading ? (
        <p className="sb-muted">Reading the model…</p>
      ) : null}
    </div>
  );
}

/** A Lumino widget hosting the inspector of the model at contents path `path`. */
export class ModelInspector extends ReactWidget {
  constructor(
    readonly model: ServebookModel,
    readonly path: string
  ) {
    super();
    this.addClass('sb-inspector-widget');
    this.title.label = path.split('/').pop() || path;
    this.title.caption = `servebook: ${path}`;
    this.title.icon = servebookIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return <InspectorView model={this.model} path={this.path} />;
  }
}

/** Show an error from a command in a notification (never only in the console). */
export function notifyError(action: string, error: unknown): void {
  Notification.error(
    `${action}: ${(error as Error).message ?? String(error)}`,
    {
      autoClose: false
    }
  );
}
