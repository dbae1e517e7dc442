/**
 * Example request bodies generated from a model's signature, and the body the console starts with.
 */
import {
  IParamSpec,
  ISchema,
  ISchemaColumn,
  ISignature,
  ServingPayload
} from '../rest';
import {
  formatBody,
  IRequestData,
  JSON_FORMATS,
  prettyJson,
  RequestFormat
} from './requestFormats';

/** A plausible value for an MLflow column type (`double`, `array<long>`, `object{...}` ...). */
export function sampleValue(type: string): unknown {
  const t = type.trim().toLowerCase();
  if (t.startsWith('array<')) {
    return [sampleValue(t.slice(6, -1))];
  }
  if (t.startsWith('object') || t.startsWith('map<')) {
    return {};
  }
  switch (t) {
    case 'double':
    case 'float':
    case 'float32':
    case 'float64':
      return 1.5;
    case 'long':
    case 'integer':
    case 'int32':
    case 'int64':
      return 1;
    case 'boolean':
    case 'bool':
      return true;
    case 'datetime':
      return '2024-01-01T00:00:00';
    case 'binary':
    case 'bytes':
      return '';
    case 'string':
    case 'str':
      return 'text';
    default:
      return t.startsWith('int') || t.startsWith('uint')
        ? 1
        : t.startsWith('float')
          ? 1.5
          : null;
  }
}

function tensorSample(column: ISchemaColumn): unknown {
  const shape = (column.shape ?? [-1]).map(dim => (dim < 0 ? 1 : dim));
  const leaf = sampleValue(column.type) ?? 0;
  const build = (dims: number[]): unknown =>
    dims.length === 0
      ? leaf
      : Array.from({ length: dims[0] }, () => build(dims.slice(1)));
  return build(shape);
}

/** Default params from the params schema (`{}` when there are none). */
export function defaultParams(params: IParamSpec[]): {
  [name: string]: unknown;
} {
  const result: { [name: string]: unknown } = {};
  for (const param of params) {
    result[param.name] = param.default;
  }
  return result;
}

/** A request body generated from an input schema: one row of sample values. */
export function exampleFromSchema(inputs: ISchema): IRequestData {
  if (inputs.kind === 'tensors') {
    const named = inputs.columns.filter(column => column.name);
    if (named.length === inputs.columns.length && named.length > 1) {
      const raw: { [name: string]: unknown } = {};
      for (const column of named) {
        raw[column.name as string] = tensorSample(column);
      }
      return { table: null, raw, params: null };
    }
    return { table: null, raw: tensorSample(inputs.columns[0]), params: null };
  }
  const columns = inputs.columns.map((column, i) => column.name ?? String(i));
  return {
    table: {
      columns,
      rows: [inputs.columns.map(column => sampleValue(column.type))]
    },
    raw: null,
    params: null
  };
}

/**
 * The body the console starts with: the model's serving example when it has one, else one generated
 * from the signature, else an empty `dataframe_split`. Params default from the params schema.
 */
export function initialRequest(
  servingExample: ServingPayload | null,
  signature: ISignature | null
): { format: RequestFormat; text: string } {
  const params =
    signature && signature.params.length > 0
      ? defaultParams(signature.params)
      : null;
  if (servingExample) {
    const format =
      JSON_FORMATS.find(key => key in servingExample) ?? 'dataframe_split';
    const body: ServingPayload = { ...servingExample };
    if (params && body['params'] === undefined) {
      body['params'] = params;
    }
    return { format, text: prettyJson(body) };
  }
  if (signature?.inputs && signature.inputs.columns.length > 0) {
    const data = { ...exampleFromSchema(signature.inputs), params };
    const format: RequestFormat = data.table ? 'dataframe_split' : 'inputs';
    return { format, text: formatBody(data, format) };
  }
  return {
    format: 'dataframe_split',
    text: formatBody(
      { table: { columns: [], rows: [] }, raw: null, params },
      'dataframe_split'
    )
  };
}
