/** The main-area inspector of one model: report, Serve with its servers, and the request console. */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
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
  trans: TranslationBundle;
}): JSX.Element {
  const { model, path, trans } = props;
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
        {report ? (
          <TrustBadge verdict={report.trust.verdict} trans={trans} />
        ) : null}
        <span className="sb-spacer" />
        <button
          className="jp-mod-styled sb-button"
          disabled={loading}
          aria-label={trans.__('Reload the report of %1', path)}
          onClick={() => void model.loadReport(path)}
        >
          {loading ? trans.__('Loading…') : trans.__('Reload')}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept sb-button sb-serve"
          disabled={starting || !!report?.error}
          aria-label={trans.__('Serve %1', path)}
          onClick={() => void serve()}
        >
          {starting
            ? trans.__('Starting…')
            : servers.some(isActive)
              ? trans.__('Serve another')
              : trans.__('Serve')}
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
        <Section title={trans.__('Servers')} className="sb-servers">
          {servers.map(server => (
            <ServerCard
              key={server.id}
              server={server}
              onStop={stop}
              onForget={forget}
              trans={trans}
            />
          ))}
        </Section>
      ) : null}
      {report && ready.length > 0 ? (
        <RequestConsole
          model={model}
          report={report}
          servers={ready}
          trans={trans}
        />
      ) : null}
      {report ? (
        <>
          <p className="sb-muted sb-meta">
            {[
              report.utc_time_created
                ? trans.__('Created %1 UTC', report.utc_time_created)
                : null,
              report.mlflow_version
                ? trans.__('MLflow format %1', report.mlflow_version)
                : null,
              formatBytes(report.model_size_bytes ?? report.total_size),
              report.model_uuid ? trans.__('uuid %1', report.model_uuid) : null
            ]
              .filter(part => part)
              .join(' · ')}
          </p>
          <SignatureView signature={report.signature} trans={trans} />
          <InputExampleView example={report.input_example} trans={trans} />
          <EnvironmentView environment={report.environment} trans={trans} />
          <TrustView trust={report.trust} trans={trans} />
          <FlavorsView flavors={report.flavors} trans={trans} />
          <RunView run={report.run} trans={trans} />
          <FilesView
            files={report.files}
            truncated={report.files_truncated}
            total={report.total_size}
            trans={trans}
          />
        </>
      ) : loading ? (
        <p className="sb-muted">{trans.__('Reading the model…')}</p>
      ) : null}
    </div>
  );
}

/** A Lumino widget hosting the inspector of the model at contents path `path`. */
export class ModelInspector extends ReactWidget {
  constructor(
    readonly model: ServebookModel,
    readonly path: string,
    translator: ITranslator = nullTranslator
  ) {
    super();
    this.trans = translator.load('servebook');
    this.addClass('sb-inspector-widget');
    this.title.label = path.split('/').pop() || path;
    this.title.caption = this.trans.__('servebook: %1', path);
    this.title.icon = servebookIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <InspectorView model={this.model} path={this.path} trans={this.trans} />
    );
  }

  private readonly trans: TranslationBundle;
}
