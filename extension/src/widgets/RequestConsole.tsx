/**
 * The test-request console: a body in one of MLflow's formats, a params editor, Send through the
 * server extension, and the answer as a table (raw JSON one click away), plus copyable snippets.
 */
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo, useState } from 'react';

import { IInvocationResult } from '../api';
import { defaultParams, initialRequest } from '../formats/examples';
import { cellText, predictionsTable } from '../formats/predictionTable';
import {
  contentTypeOf,
  convertBody,
  parseBody,
  REQUEST_FORMATS,
  RequestFormat,
  withParams
} from '../formats/requestFormats';
import { RequestFormatError } from '../formats/table';
import { ServebookModel } from '../model';
import { IModelReport, IParamSpec, IServer } from '../rest';
import { curlSnippet, pythonSnippet } from '../snippets';
import { DataTable } from './DataTable';

/** Prediction rows beyond this are summarised, so a big answer cannot freeze the page. */
const MAX_PREDICTION_ROWS = 200;

export interface IRequestConsoleProps {
  model: ServebookModel;
  report: IModelReport;
  /** Ready servers of this model, newest last. */
  servers: IServer[];
  trans: TranslationBundle;
}

type ParamValues = { [name: string]: unknown };

/** Split the initial body into the body text (without params) and the params editor's values. */
function initialState(report: IModelReport): {
  format: RequestFormat;
  text: string;
  params: ParamValues;
} {
  const initial = initialRequest(
    report.serving_input_example,
    report.signature
  );
  const specs = report.signature?.params ?? [];
  let params: ParamValues = defaultParams(specs);
  let text = initial.text;
  try {
    const data = parseBody(initial.text, initial.format);
    params = { ...params, ...(data.params ?? {}) };
    text = withParams(initial.text, initial.format, null);
  } catch {
    // Keep the example as written; the user sees the parse error when sending.
  }
  return { format: initial.format, text, params };
}

function ParamInput(props: {
  spec: IParamSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { spec, value, trans } = props;
  const id = `sb-param-${spec.name}`;
  const label = spec.shape
    ? trans.__(
        '%1 (%2, shape %3)',
        spec.name,
        spec.type,
        JSON.stringify(spec.shape)
      )
    : `${spec.name} (${spec.type})`;
  if (spec.type === 'boolean' && !spec.shape) {
    return (
      <label className="sb-param" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={event => props.onChange(event.target.checked)}
        />
        {label}
      </label>
    );
  }
  const numeric =
    ['double', 'float', 'long', 'integer'].includes(spec.type) && !spec.shape;
  const structured =
    spec.shape !== null || (value !== null && typeof value === 'object');
  const shown = structured
    ? JSON.stringify(value)
    : value === null
      ? ''
      : String(value);
  return (
    <label className="sb-param" htmlFor={id}>
      <span>{label}</span>
      <input
        id={id}
        className="jp-mod-styled"
        type={numeric ? 'number' : 'text'}
        value={shown}
        onChange={event => {
          const raw = event.target.value;
          if (numeric) {
            props.onChange(raw === '' ? null : Number(raw));
          } else if (structured) {
            try {
              props.onChange(JSON.parse(raw));
            } catch {
              props.onChange(raw);
            }
          } else {
            props.onChange(raw);
          }
        }}
      />
    </label>
  );
}

function ResultView(props: {
  result: IInvocationResult;
  trans: TranslationBundle;
}): JSX.Element {
  const { result, trans } = props;
  const [raw, setRaw] = useState(false);
  const table = useMemo(
    () =>
      result.ok && result.json !== null ? predictionsTable(result.json) : null,
    [result]
  );
  return (
    <div className="sb-result" aria-live="polite">
      <div className="sb-result-head">
        <span
          className={`sb-status ${result.ok ? 'sb-status-ok' : 'sb-status-error'}`}
          data-status={result.status}
        >
          {trans.__('HTTP %1', result.status)}
        </span>
        <span className="sb-muted sb-latency">
          {trans.__('%1 ms', result.latencyMs.toFixed(0))}
        </span>
        <span className="sb-spacer" />
        <button
          className="sb-link"
          aria-pressed={raw}
          onClick={() => setRaw(!raw)}
        >
          {raw ? trans.__('Show table') : trans.__('Raw JSON')}
        </button>
      </div>
      {result.errorMessage ? (
        <div className="sb-error sb-result-error" role="alert">
          {result.errorMessage}
        </div>
      ) : null}
      {raw || !table ? (
        <pre className="sb-raw">
          {result.json !== null
            ? JSON.stringify(result.json, null, 2)
            : result.text}
        </pre>
      ) : (
        <DataTable
          scrollClassName="sb-predictions"
          caption={trans.__('Predictions')}
          columns={table.columns.map((name, c) => ({
            header: name,
            cell: (row: unknown[]) => cellText(row[c])
          }))}
          rows={table.rows}
          maxRows={MAX_PREDICTION_ROWS}
          trans={trans}
        />
      )}
    </div>
  );
}

export function RequestConsole(props: IRequestConsoleProps): JSX.Element {
  const { model, report, servers, trans } = props;
  const [state, setState] = useState(() => initialState(report));
  const [formatError, setFormatError] = useState<string | null>(null);
  const [targetId, setTargetId] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<IInvocationResult | null>(null);
  const paramSpecs = report.signature?.params ?? [];

  const target =
    servers.find(server => server.id === targetId) ??
    servers[servers.length - 1] ??
    null;

  const switchFormat = (format: RequestFormat) => {
    if (format === state.format) {
      return;
    }
    try {
      const text = convertBody(state.text, state.format, format);
      setState({ ...state, format, text });
      setFormatError(null);
    } catch (error) {
      setFormatError(
        error instanceof RequestFormatError
          ? trans.__('Cannot convert to %1: %2', format, error.message)
          : String(error)
      );
    }
  };

  /** The body as sent: the text plus the params editor's values (JSON formats only). */
  const bodyToSend = (): string => {
    if (state.format === 'csv' || paramSpecs.length === 0) {
      return state.text;
    }
    try {
      return withParams(state.text, state.format, state.params);
    } catch {
      return state.text;
    }
  };

  const send = async () => {
    if (!target) {
      return;
    }
    setSending(true);
    try {
      setResult(
        await model.invoke(target.id, bodyToSend(), contentTypeOf(state.format))
      );
    } catch (error) {
      setResult({
        status: 0,
        ok: false,
        latencyMs: 0,
        contentType: '',
        json: null,
        text: '',
        errorMessage: trans.__(
          'The request did not reach Jupyter: %1',
          (error as Error).message
        )
      });
    } finally {
      setSending(false);
    }
  };

  const copy = (kind: 'curl' | 'python') => {
    if (!target) {
      return;
    }
    const request = {
      url: new URL(model.invocationsUrl(target.id), window.location.href).href,
      contentType: contentTypeOf(state.format),
      body: bodyToSend()
    };
    Clipboard.copyToSystem(
      kind === 'curl' ? curlSnippet(request) : pythonSnippet(request)
    );
    Notification.success(
      kind === 'curl'
        ? trans.__('Copied a curl command (set JUPYTER_TOKEN first).')
        : trans.__('Copied Python code (set JUPYTER_TOKEN first).'),
      { autoClose: 3000 }
    );
  };

  return (
    <section className="sb-console" aria-label={trans.__('Test request')}>
      <h3>{trans.__('Test request')}</h3>
      {servers.length > 1 ? (
        <label className="sb-field">
          <span>{trans.__('Server')}</span>
          <select
            className="jp-mod-styled"
            value={target?.id ?? ''}
            onChange={event => setTargetId(event.target.value)}
          >
            {servers.map(server => (
              <option key={server.id} value={server.id}>
                {server.id} ({server.url ?? trans.__('no URL')})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <div
        className="sb-formats"
        role="group"
        aria-label={trans.__('Request format')}
      >
        {REQUEST_FORMATS.map(item => (
          <button
            key={item.id}
            className={`sb-format ${item.id === state.format ? 'sb-mod-selected' : ''}`}
            aria-pressed={item.id === state.format}
            data-format={item.id}
            onClick={() => switchFormat(item.id)}
          >
            {item.name}
          </button>
        ))}
      </div>
      {formatError ? (
        <div className="sb-error" role="alert">
          {formatError}
        </div>
      ) : null}
      <textarea
        className="sb-body jp-mod-styled"
        aria-label={trans.__('Request body')}
        spellCheck={false}
        rows={Math.min(16, Math.max(5, state.text.split('\n').length + 1))}
        value={state.text}
        onChange={event => setState({ ...state, text: event.target.value })}
      />
      {paramSpecs.length > 0 ? (
        <fieldset className="sb-params">
          <legend>
            {state.format === 'csv'
              ? trans.__('Params (not sent with CSV)')
              : trans.__('Params')}
          </legend>
          {paramSpecs.map(spec => (
            <ParamInput
              key={spec.name}
              spec={spec}
              value={state.params[spec.name]}
              trans={trans}
              onChange={value =>
                setState({
                  ...state,
                  params: { ...state.params, [spec.name]: value }
                })
              }
            />
          ))}
        </fieldset>
      ) : null}
      <div className="sb-actions">
        <button
          className="jp-mod-styled jp-mod-accept sb-button"
          disabled={!target || sending}
          onClick={() => void send()}
        >
          {sending ? trans.__('Sending…') : trans.__('Send')}
        </button>
        <button
          className="jp-mod-styled sb-button"
          disabled={!target}
          onClick={() => copy('curl')}
        >
          {trans.__('Copy as curl')}
        </button>
        <button
          className="jp-mod-styled sb-button"
          disabled={!target}
          onClick={() => copy('python')}
        >
          {trans.__('Copy as Python (requests)')}
        </button>
      </div>
      {result ? <ResultView result={result} trans={trans} /> : null}
    </section>
  );
}
