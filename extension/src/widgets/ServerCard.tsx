/** One scoring server: status badge, URL, exit code and message, live log tail, Stop. */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { isActive } from '../model';
import { IServer, ServerState } from '../rest';

function stateLabel(trans: TranslationBundle, state: ServerState): string {
  const labels: { [state in ServerState]: string } = {
    starting: trans.__('starting'),
    ready: trans.__('ready'),
    failed: trans.__('failed'),
    stopped: trans.__('stopped')
  };
  return labels[state];
}

export function StatusBadge(props: {
  state: ServerState;
  trans: TranslationBundle;
}): JSX.Element {
  const label = stateLabel(props.trans, props.state);
  return (
    <span
      className={`sb-badge sb-badge-${props.state}`}
      data-state={props.state}
      aria-label={props.trans.__('Server %1', label)}
    >
      {label}
    </span>
  );
}

export interface IServerCardProps {
  server: IServer;
  onStop: (id: string) => Promise<void>;
  onForget: (id: string) => Promise<void>;
  /** Show the model path (in the sidebar list, where servers of all models are mixed). */
  showModel?: boolean;
  onOpenModel?: (path: string) => void;
  trans: TranslationBundle;
}

export function ServerCard(props: IServerCardProps): JSX.Element {
  const { server, trans } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showLog, setShowLog] = useState(server.state !== 'ready');

  const run = async (action: (id: string) => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action(server.id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const failed = server.state === 'failed';
  return (
    <div
      className={`sb-server sb-server-${server.state}`}
      data-server-id={server.id}
    >
      <div className="sb-server-head">
        <StatusBadge state={server.state} trans={trans} />
        {props.showModel ? (
          <button
            className="sb-link"
            title={trans.__('Inspect %1', server.model_path)}
            onClick={() => props.onOpenModel?.(server.model_path)}
          >
            {server.model_path}
          </button>
        ) : (
          <span className="sb-server-id">
            {trans.__('server %1', server.id)}
          </span>
        )}
        <span className="sb-spacer" />
        {isActive(server) ? (
          <button
            className="jp-mod-styled jp-mod-warn sb-button"
            disabled={busy}
            aria-label={trans.__(
              'Stop server %1 of %2',
              server.id,
              server.model_path
            )}
            onClick={() => void run(props.onStop)}
          >
            {trans.__('Stop')}
          </button>
        ) : (
          <button
            className="jp-mod-styled sb-button"
            disabled={busy}
            aria-label={trans.__(
              'Dismiss server %1 of %2',
              server.id,
              server.model_path
            )}
            onClick={() => void run(props.onForget)}
          >
            {trans.__('Dismiss')}
          </button>
        )}
      </div>
      {server.url && server.state === 'ready' ? (
        <div className="sb-server-url">
          <span className="sb-muted">{trans.__('URL')}</span>{' '}
          <code>{server.url}</code>
          <span className="sb-muted">
            {' '}
            {trans.__('(loopback, token protected: use the console)')}
          </span>
        </div>
      ) : null}
      {failed || server.exit_code !== null ? (
        <div
          className={failed ? 'sb-error' : 'sb-muted'}
          role={failed ? 'alert' : undefined}
        >
          {server.message ?? trans.__('The scoring server stopped.')}
          {server.exit_code !== null
            ? ` ${trans.__('Exit code: %1.', server.exit_code)}`
            : ''}
        </div>
      ) : null}
      {error ? (
        <div className="sb-error" role="alert">
          {error}
        </div>
      ) : null}
      {!props.showModel ? (
        <div className="sb-log">
          <button
            className="sb-link"
            aria-expanded={showLog}
            onClick={() => setShowLog(!showLog)}
          >
            {showLog ? trans.__('Hide log') : trans.__('Show log')}
          </button>
          {showLog ? (
            <pre
              className="sb-log-tail"
              aria-live="polite"
              aria-label={trans.__('Server log tail')}
            >
              {server.log_tail || trans.__('(no output yet)')}
            </pre>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
