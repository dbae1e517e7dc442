/** One scoring server: status badge, URL, exit code and message, live log tail, Stop. */
import React, { useState } from 'react';

import { isActive } from '../model';
import { IServer, ServerState } from '../rest';

const STATE_LABEL: { [state in ServerState]: string } = {
  starting: 'starting',
  ready: 'ready',
  failed: 'failed',
  stopped: 'stopped'
};

export function StatusBadge(props: { state: ServerState }): JSX.Element {
  return (
    <span
      className={`sb-badge sb-badge-${props.state}`}
      data-state={props.state}
      aria-label={`Server ${STATE_LABEL[props.state]}`}
    >
      {STATE_LABEL[props.state]}
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
}

export function ServerCard(props: IServerCardProps): JSX.Element {
  const { server } = props;
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
        <StatusBadge state={server.state} />
        {props.showModel ? (
          <button
            className="sb-link"
            title={`Inspect ${server.model_path}`}
            onClick={() => props.onOpenModel?.(server.model_path)}
          >
            {server.model_path}
          </button>
        ) : (
          <span className="sb-server-id">server {server.id}</span>
        )}
        <span className="sb-spacer" />
        {isActive(server) ? (
          <button
            className="jp-mod-styled jp-mod-warn sb-button"
            disabled={busy}
            aria-label={`Stop server ${server.id} of ${server.model_path}`}
            onClick={() => void run(props.onStop)}
          >
            Stop
          </button>
        ) : (
          <button
            className="jp-mod-styled sb-button"
            disabled={busy}
            aria-label={`Dismiss server ${server.id} of ${server.model_path}`}
            onClick={() => void run(props.onForget)}
          >
            Dismiss
          </button>
        )}
      </div>
      {server.url && server.state === 'ready' ? (
        <div className="sb-server-url">
          <span className="sb-muted">URL</span> <code>{server.url}</code>
          <span className="sb-muted">
            {' '}
            (loopback, token protected: use the console)
          </span>
        </div>
      ) : null}
      {failed || server.exit_code !== null ? (
        <div
          className={failed ? 'sb-error' : 'sb-muted'}
          role={failed ? 'alert' : undefined}
        >
          {server.message ?? 'The scoring server stopped.'}
          {server.exit_code !== null ? ` Exit code: ${server.exit_code}.` : ''}
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
            {showLog ? 'Hide log' : 'Show log'}
          </button>
          {showLog ? (
            <pre
              className="sb-log-tail"
              aria-live="polite"
              aria-label="Server log tail"
            >
              {server.log_tail || '(no output yet)'}
            </pre>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
