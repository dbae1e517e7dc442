/** Read-only sections of the model inspector, each rendering one part of the static report. */
import React from 'react';

import {
  IEnvironment,
  IFlavor,
  IInputExample,
  IModelFile,
  IRunInfo,
  ISchema,
  ISignature,
  ITrust,
  RequirementStatus,
  TrustVerdict
} from '../rest';

export function formatBytes(size: number | null): string {
  if (size === null) {
    return '';
  }
  if (size < 1024) {
    return `${size} B`;
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function Section(props: {
  title: string;
  className?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section
      className={`sb-section ${props.className ?? ''}`}
      aria-label={props.title}
    >
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

const VERDICT_TEXT: { [verdict in TrustVerdict]: string } = {
  data_only: 'data only',
  executes_code: 'runs code on load',
  unsafe: 'unsafe'
};

export function TrustBadge(props: { verdict: TrustVerdict }): JSX.Element {
  return (
    <span
      className={`sb-trust sb-trust-${props.verdict}`}
      data-verdict={props.verdict}
    >
      {VERDICT_TEXT[props.verdict]}
    </span>
  );
}

export function TrustView(props: { trust: ITrust }): JSX.Element {
  const { trust } = props;
  const items = [
    ...trust.unsafe.map(item => ({ ...item, unsafe: true })),
    ...trust.executes_on_load.map(item => ({ ...item, unsafe: false }))
  ];
  return (
    <Section title="Trust" className="sb-trust-section">
      <p>
        <TrustBadge verdict={trust.verdict} /> {trust.summary}
      </p>
      {items.length > 0 ? (
        <ul className="sb-trust-items">
          {items.map((item, i) => (
            <li key={i} className={item.unsafe ? 'sb-drift' : ''}>
              <code>{item.kind}</code>{' '}
              {item.path ? <code>{item.path}</code> : null} {item.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

function SchemaTable(props: {
  title: string;
  schema: ISchema | null;
}): JSX.Element {
  const { schema } = props;
  if (!schema || schema.columns.length === 0) {
    return (
      <div className="sb-schema">
        <h4>{props.title}</h4>
        <p className="sb-muted">Not declared.</p>
      </div>
    );
  }
  const tensors = schema.kind === 'tensors';
  return (
    <div className="sb-schema">
      <h4>
        {props.title} <span className="sb-muted">({schema.kind})</span>
      </h4>
      <table className="sb-table" aria-label={`${props.title} schema`}>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">type</th>
            <th scope="col">{tensors ? 'shape' : 'required'}</th>
          </tr>
        </thead>
        <tbody>
          {schema.columns.map((column, i) => (
            <tr key={i}>
              <td>
                {column.name ?? <span className="sb-muted">(unnamed)</span>}
              </td>
              <td>
                <code>{column.type}</code>
              </td>
              <td>
                {tensors
                  ? JSON.stringify(column.shape)
                  : column.required
                    ? 'yes'
                    : 'no'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SignatureView(props: {
  signature: ISignature | null;
}): JSX.Element {
  const { signature } = props;
  return (
    <Section title="Signature" className="sb-signature">
      {signature ? (
        <>
          <SchemaTable title="Inputs" schema={signature.inputs} />
          <SchemaTable title="Outputs" schema={signature.outputs} />
          <div className="sb-schema">
            <h4>Params</h4>
            {signature.params.length === 0 ? (
              <p className="sb-muted">None.</p>
            ) : (
              <table className="sb-table" aria-label="Params schema">
                <thead>
                  <tr>
                    <th scope="col">name</th>
                    <th scope="col">type</th>
                    <th scope="col">default</th>
                    <th scope="col">shape</th>
                  </tr>
                </thead>
                <tbody>
                  {signature.params.map(param => (
                    <tr key={param.name}>
                      <td>{param.name}</td>
                      <td>
                        <code>{param.type}</code>
                      </td>
                      <td>
                        <code>{JSON.stringify(param.default)}</code>
                      </td>
                      <td>{param.shape ? JSON.stringify(param.shape) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      ) : (
        <p className="sb-muted">
          This model has no signature: inputs are not checked before they reach
          the model.
        </p>
      )}
    </Section>
  );
}

export function InputExampleView(props: {
  example: IInputExample | null;
}): JSX.Element | null {
  const { example } = props;
  if (!example) {
    return null;
  }
  return (
    <Section title="Input example" className="sb-example">
      <p className="sb-muted">
        <code>{example.path}</code>
        {example.type ? ` · ${example.type}` : ''}
        {example.pandas_orient ? ` · orient ${example.pandas_orient}` : ''}
      </p>
      {example.error ? <p className="sb-error">{example.error}</p> : null}
      {example.data !== null ? (
        <pre className="sb-raw">{JSON.stringify(example.data, null, 2)}</pre>
      ) : null}
    </Section>
  );
}

const STATUS_TEXT: { [status in RequirementStatus]: string } = {
  ok: 'ok',
  missing: 'missing',
  mismatch: 'version differs',
  not_needed: 'not needed',
  unchecked: 'not checked'
};

export function EnvironmentView(props: {
  environment: IEnvironment | null;
}): JSX.Element | null {
  const env = props.environment;
  if (!env) {
    return null;
  }
  const pythonDrift = env.python_minor_ok === false;
  const pickleDrift = env.cloudpickle?.ok === false;
  return (
    <Section title="Requirements" className="sb-requirements">
      <p>
        <span className={pythonDrift ? 'sb-drift' : ''}>
          Python: model {env.model_python_version ?? 'unknown'}, here{' '}
          {env.python_version ?? 'unknown'}
        </span>
        {env.cloudpickle ? (
          <span className={pickleDrift ? 'sb-drift' : ''}>
            {' '}
            · cloudpickle: model {env.cloudpickle.model ?? 'n/a'}, here{' '}
            {env.cloudpickle.installed ?? 'not installed'}
          </span>
        ) : null}
      </p>
      {env.error ? <p className="sb-error">{env.error}</p> : null}
      {env.problems.length > 0 ? (
        <ul className="sb-problems">
          {env.problems.map((problem, i) => (
            <li key={i} className="sb-drift">
              {problem}
            </li>
          ))}
        </ul>
      ) : null}
      {env.requirements.length > 0 ? (
        <table className="sb-table" aria-label="Requirements">
          <thead>
            <tr>
              <th scope="col">requirement</th>
              <th scope="col">installed</th>
              <th scope="col">status</th>
            </tr>
          </thead>
          <tbody>
            {env.requirements.map((req, i) => {
              const drift =
                req.status === 'missing' || req.status === 'mismatch';
              return (
                <tr
                  key={i}
                  className={drift ? 'sb-drift' : ''}
                  data-status={req.status}
                >
                  <td>
                    <code>{req.requirement}</code>
                  </td>
                  <td>{req.installed ?? '—'}</td>
                  <td>{STATUS_TEXT[req.status]}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="sb-muted">
          {env.requirements_file
            ? `${env.requirements_file} lists nothing.`
            : 'No requirements file.'}
        </p>
      )}
    </Section>
  );
}

export function FlavorsView(props: { flavors: IFlavor[] }): JSX.Element {
  return (
    <Section title="Flavors" className="sb-flavors">
      {props.flavors.length === 0 ? (
        <p className="sb-muted">None readable.</p>
      ) : (
        <ul>
          {props.flavors.map(flavor => (
            <li key={flavor.name}>
              <code>{flavor.name}</code>
              {flavor.loader_module ? (
                <span className="sb-muted">
                  {' '}
                  · loader {flavor.loader_module}
                </span>
              ) : null}
              {flavor.python_version ? (
                <span className="sb-muted">
                  {' '}
                  · Python {flavor.python_version}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function FilesView(props: {
  files: IModelFile[];
  truncated: boolean;
  total: number;
}): JSX.Element {
  return (
    <Section title="Files" className="sb-files">
      <p className="sb-muted">
        {props.files.length} entries, {formatBytes(props.total)}
        {props.truncated ? ' (list truncated)' : ''}
      </p>
      <table className="sb-table" aria-label="Files">
        <tbody>
          {props.files.map(file => (
            <tr key={file.path} data-kind={file.kind}>
              <td>
                <code>{file.path}</code>
                {file.kind === 'dir' ? '/' : ''}
                {file.kind === 'symlink' ? ` → ${file.target ?? '?'}` : ''}
              </td>
              <td className="sb-num">
                {file.kind === 'file' ? formatBytes(file.size) : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function RunView(props: { run: IRunInfo | null }): JSX.Element | null {
  const { run } = props;
  if (!run) {
    return null;
  }
  const rows: [string, string | null][] = [
    [
      'experiment',
      run.experiment_name
        ? `${run.experiment_name} (${run.experiment_id})`
        : run.experiment_id
    ],
    ['run', run.run_name ? `${run.run_name} (${run.run_id})` : run.run_id],
    ['status', run.status],
    ['artifact path', run.artifact_path],
    ['model id', run.model_id]
  ];
  return (
    <Section title="Run" className="sb-run">
      <table className="sb-table" aria-label="Run info">
        <tbody>
          {rows
            .filter(([, value]) => value)
            .map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>
                  <code>{value}</code>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </Section>
  );
}
