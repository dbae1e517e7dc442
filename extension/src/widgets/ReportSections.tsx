/** Read-only sections of the model inspector, each rendering one part of the static report. */
import { TranslationBundle } from '@jupyterlab/translation';
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

function verdictText(trans: TranslationBundle, verdict: TrustVerdict): string {
  const texts: { [verdict in TrustVerdict]: string } = {
    data_only: trans.__('data only'),
    executes_code: trans.__('runs code on load'),
    unsafe: trans.__('unsafe')
  };
  return texts[verdict];
}

export function TrustBadge(props: {
  verdict: TrustVerdict;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <span
      className={`sb-trust sb-trust-${props.verdict}`}
      data-verdict={props.verdict}
    >
      {verdictText(props.trans, props.verdict)}
    </span>
  );
}

export function TrustView(props: {
  trust: ITrust;
  trans: TranslationBundle;
}): JSX.Element {
  const { trust, trans } = props;
  const items = [
    ...trust.unsafe.map(item => ({ ...item, unsafe: true })),
    ...trust.executes_on_load.map(item => ({ ...item, unsafe: false }))
  ];
  return (
    <Section title={trans.__('Trust')} className="sb-trust-section">
      <p>
        <TrustBadge verdict={trust.verdict} trans={trans} /> {trust.summary}
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
  trans: TranslationBundle;
}): JSX.Element {
  const { schema, trans } = props;
  if (!schema || schema.columns.length === 0) {
    return (
      <div className="sb-schema">
        <h4>{props.title}</h4>
        <p className="sb-muted">{trans.__('Not declared.')}</p>
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
        label={trans.__('%1 schema', props.title)}
        trans={trans}
        columns={[
          {
            header: trans.__('name'),
            cell: (column: ISchemaColumn) =>
              column.name ?? (
                <span className="sb-muted">{trans.__('(unnamed)')}</span>
              )
          },
          {
            header: trans.__('type'),
            cell: (column: ISchemaColumn) => <code>{column.type}</code>
          },
          tensors
            ? {
                header: trans.__('shape'),
                cell: (column: ISchemaColumn) => JSON.stringify(column.shape)
              }
            : {
                header: trans.__('required'),
                cell: (column: ISchemaColumn) =>
                  column.required ? trans.__('yes') : trans.__('no')
              }
        ]}
        rows={schema.columns}
      />
    </div>
  );
}

export function SignatureView(props: {
  signature: ISignature | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { signature, trans } = props;
  return (
    <Section title={trans.__('Signature')} className="sb-signature">
      {signature ? (
        <>
          <SchemaTable
            title={trans.__('Inputs')}
            schema={signature.inputs}
            trans={trans}
          />
          <SchemaTable
            title={trans.__('Outputs')}
            schema={signature.outputs}
            trans={trans}
          />
          <div className="sb-schema">
            <h4>{trans.__('Params')}</h4>
            {signature.params.length === 0 ? (
              <p className="sb-muted">{trans.__('None.')}</p>
            ) : (
              <DataTable
                label={trans.__('Params schema')}
                trans={trans}
                columns={[
                  {
                    header: trans.__('name'),
                    cell: (param: IParamSpec) => param.name
                  },
                  {
                    header: trans.__('type'),
                    cell: (param: IParamSpec) => <code>{param.type}</code>
                  },
                  {
                    header: trans.__('default'),
                    cell: (param: IParamSpec) => (
                      <code>{JSON.stringify(param.default)}</code>
                    )
                  },
                  {
                    header: trans.__('shape'),
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
          {trans.__(
            'This model has no signature: inputs are not checked before they reach the model.'
          )}
        </p>
      )}
    </Section>
  );
}

export function InputExampleView(props: {
  example: IInputExample | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { example, trans } = props;
  if (!example) {
    return null;
  }
  return (
    <Section title={trans.__('Input example')} className="sb-example">
      <p className="sb-muted">
        <code>{example.path}</code>
        {example.type ? ` · ${example.type}` : ''}
        {example.pandas_orient
          ? ` · ${trans.__('orient %1', example.pandas_orient)}`
          : ''}
      </p>
      {example.error ? <p className="sb-error">{example.error}</p> : null}
      {example.data !== null ? (
        <pre className="sb-raw">{JSON.stringify(example.data, null, 2)}</pre>
      ) : null}
    </Section>
  );
}

function statusText(
  trans: TranslationBundle,
  status: RequirementStatus
): string {
  const texts: { [status in RequirementStatus]: string } = {
    ok: trans.__('ok'),
    missing: trans.__('missing'),
    mismatch: trans.__('version differs'),
    not_needed: trans.__('not needed'),
    unchecked: trans.__('not checked')
  };
  return texts[status];
}

export function EnvironmentView(props: {
  environment: IEnvironment | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { trans } = props;
  const env = props.environment;
  if (!env) {
    return null;
  }
  const pythonDrift = env.python_minor_ok === false;
  const pickleDrift = env.cloudpickle?.ok === false;
  return (
    <Section title={trans.__('Requirements')} className="sb-requirements">
      <p>
        <span className={pythonDrift ? 'sb-drift' : ''}>
          {trans.__(
            'Python: model %1, here %2',
            env.model_python_version ?? trans.__('unknown'),
            env.python_version ?? trans.__('unknown')
          )}
        </span>
        {env.cloudpickle ? (
          <span className={pickleDrift ? 'sb-drift' : ''}>
            {' · '}
            {trans.__(
              'cloudpickle: model %1, here %2',
              env.cloudpickle.model ?? trans.__('n/a'),
              env.cloudpickle.installed ?? trans.__('not installed')
            )}
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
          label={trans.__('Requirements')}
          trans={trans}
          columns={[
            {
              header: trans.__('requirement'),
              cell: (req: IRequirement) => <code>{req.requirement}</code>
            },
            {
              header: trans.__('installed'),
              cell: (req: IRequirement) => req.installed ?? '—'
            },
            {
              header: trans.__('status'),
              cell: (req: IRequirement) => statusText(trans, req.status)
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
            ? trans.__('%1 lists nothing.', env.requirements_file)
            : trans.__('No requirements file.')}
        </p>
      )}
    </Section>
  );
}

export function FlavorsView(props: {
  flavors: IFlavor[];
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <Section title={trans.__('Flavors')} className="sb-flavors">
      {props.flavors.length === 0 ? (
        <p className="sb-muted">{trans.__('None readable.')}</p>
      ) : (
        <ul>
          {props.flavors.map(flavor => (
            <li key={flavor.name}>
              <code>{flavor.name}</code>
              {flavor.loader_module ? (
                <span className="sb-muted">
                  {' · '}
                  {trans.__('loader %1', flavor.loader_module)}
                </span>
              ) : null}
              {flavor.python_version ? (
                <span className="sb-muted">
                  {' · '}
                  {trans.__('Python %1', flavor.python_version)}
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
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <Section title={trans.__('Files')} className="sb-files">
      <p className="sb-muted">
        {trans._n(
          '%1 entry, %2',
          '%1 entries, %2',
          props.files.length,
          formatBytes(props.total)
        )}
        {props.truncated ? ` ${trans.__('(list truncated)')}` : ''}
      </p>
      <DataTable
        label={trans.__('Files')}
        trans={trans}
        headless
        columns={[
          {
            header: trans.__('path'),
            cell: (file: IModelFile) => (
              <>
                <code>{file.path}</code>
                {file.kind === 'dir' ? '/' : ''}
                {file.kind === 'symlink' ? ` → ${file.target ?? '?'}` : ''}
              </>
            )
          },
          {
            header: trans.__('size'),
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

export function RunView(props: {
  run: IRunInfo | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { run, trans } = props;
  if (!run) {
    return null;
  }
  const rows: RunRow[] = [
    [
      trans.__('experiment'),
      run.experiment_name
        ? `${run.experiment_name} (${run.experiment_id})`
        : run.experiment_id
    ],
    [
      trans.__('run'),
      run.run_name ? `${run.run_name} (${run.run_id})` : run.run_id
    ],
    [trans.__('status'), run.status],
    [trans.__('artifact path'), run.artifact_path],
    [trans.__('model id'), run.model_id]
  ];
  return (
    <Section title={trans.__('Run')} className="sb-run">
      <DataTable
        label={trans.__('Run info')}
        trans={trans}
        headless
        columns={[
          {
            header: trans.__('field'),
            rowHeader: true,
            cell: ([key]: RunRow) => key
          },
          {
            header: trans.__('value'),
            cell: ([, value]: RunRow) => <code>{value}</code>
          }
        ]}
        rows={rows.filter(([, value]) => value)}
        rowKey={([key]) => key}
      />
    </Section>
  );
}
