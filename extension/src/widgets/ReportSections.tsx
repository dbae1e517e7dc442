/** Read-only sections of the model inspector, each rendering one part of the static report. */
import React from 'react';

import {
  IEnvironment,
  IFlavor,
  IInputExample,
  IModelFile,
  IParamSpec,
  IRequirement,
  IRunInfo,
  ISchema,
  ISchemaColumn,
  ISignature,
  ITrust,
  RequirementStatus,
  TrustVerdict
} from '../rest';
import { DataTable } from './DataTable';

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
      <DataTable
        label={`${props.title} schema`}
        columns={[
          {
            header: 'name',
            cell: (column: ISchemaColumn) =>
              column.name ?? <span className="sb-muted">(unnamed)</span>
          },
          {
            header: 'type',
            cell: (column: ISchemaColumn) => <code>{column.type}</code>
          },
          tensors
            ? {
                header: 'shape',
                cell: (column: ISchemaColumn) => JSON.stringify(column.shape)
              }
            : {
                header: 'required',
                cell: (column: ISchemaColumn) =>
                  column.required ? 'yes' : 'no'
              }
        ]}
        rows={schema.columns}
      />
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
              <DataTable
                label="Params schema"
                columns={[
                  { header: 'name', cell: (param: IParamSpec) => param.name },
                  {
                    header: 'type',
                    cell: (param: IParamSpec) => <code>{param.type}</code>
                  },
                  {
                    header: 'default',
                    cell: (param: IParamSpec) => (
                      <code>{JSON.stringify(param.default)}</code>
                    )
                  },
                  {
                    header: 'shape',
                    cell: (param: IParamSpec) =>
                      param.shape ? JSON.stringify(param.shape) : ''
                  }
                ]}
                rows={signature.params}
                rowKey={param => param.name}
              />
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
        <DataTable
          label="Requirements"
          columns={[
            {
              header: 'requirement',
              cell: (req: IRequirement) => <code>{req.requirement}</code>
            },
            {
              header: 'installed',
              cell: (req: IRequirement) => req.installed ?? '—'
            },
            {
              header: 'status',
              cell: (req: IRequirement) => STATUS_TEXT[req.status]
            }
          ]}
          rows={env.requirements}
          rowClassName={req =>
            req.status === 'missing' || req.status === 'mismatch'
              ? 'sb-drift'
              : undefined
          }
          rowData={req => ({ status: req.status })}
        />
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
      <DataTable
        label="Files"
        headless
        columns={[
          {
            header: 'path',
            cell: (file: IModelFile) => (
              <>
                <code>{file.path}</code>
                {file.kind === 'dir' ? '/' : ''}
                {file.kind === 'symlink' ? ` → ${file.target ?? '?'}` : ''}
              </>
            )
          },
          {
            header: 'size',
            className: 'sb-num',
            cell: (file: IModelFile) =>
              file.kind === 'file' ? formatBytes(file.size) : ''
          }
        ]}
        rows={props.files}
        rowKey={file => file.path}
        rowData={file => ({ kind: file.kind })}
      />
    </Section>
  );
}

/** One line of the run table: what, and its value (rows without a value are left out). */
type RunRow = [string, string | null];

export function RunView(props: { run: IRunInfo | null }): JSX.Element | null {
  const { run } = props;
  if (!run) {
    return null;
  }
  const rows: RunRow[] = [
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
      <DataTable
        label="Run info"
        headless
        columns={[
          { header: 'field', rowHeader: true, cell: ([key]: RunRow) => key },
          { header: 'value', cell: ([, value]: RunRow) => <code>{value}</code> }
        ]}
        rows={rows.filter(([, value]) => value)}
        rowKey={([key]) => key}
      />
    </Section>
  );
}
