/**
 * Pure conversions for the test-request console (no DOM, no network).
 *
 * A request body is parsed into neutral `IRequestData` (a table of named columns, or a raw tensor
 * value, plus params) and written back in any of MLflow's scoring formats: the JSON keys
 * `dataframe_split`, `dataframe_records`, `instances`, `inputs`, or CSV (`text/csv`, no params).
 */
import {
  IParamSpec,
  ISchema,
  ISchemaColumn,
  ISignature,
  ServingPayload
} from './tokens';

export type RequestFormat =
  'dataframe_split' | 'dataframe_records' | 'instances' | 'inputs' | 'csv';

export const REQUEST_FORMATS: ReadonlyArray<{
  id: RequestFormat;
  label: string;
}> = [
  { id: 'dataframe_split', label: 'dataframe_split' },
  { id: 'dataframe_records', label: 'dataframe_records' },
  { id: 'instances', label: 'instances' },
  { id: 'inputs', label: 'inputs' },
  { id: 'csv', label: 'CSV' }
];

const JSON_FORMATS: ReadonlyArray<RequestFormat> = [
  'dataframe_split',
  'dataframe_records',
  'instances',
  'inputs'
];

export interface ITable {
  columns: string[];
  rows: unknown[][];
}

export interface IRequestData {
  /** Column data; `null` when the input is a tensor (`raw` holds it then). */
  table: ITable | null;
  raw: unknown;
  params: { [name: string]: unknown } | null;
}

/** A body that cannot be read in the chosen format, with a message saying what is wrong. */
export class RequestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestFormatError';
  }
}

export function contentTypeOf(format: RequestFormat): string {
  return format === 'csv' ? 'text/csv' : 'application/json';
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Records (list of dicts) → table; columns in first-seen order. */
export function tableFromRecords(records: unknown[]): ITable {
  const columns: string[] = [];
  for (const record of records) {
    if (!isPlainObject(record)) {
      throw new RequestFormatError(
        'Every record must be a JSON object like {"column": value}.'
      );
    }
    for (const key of Object.keys(record)) {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    }
  }
  const rows = records.map(record =>
    columns.map(column => {
      const value = (record as { [key: string]: unknown })[column];
      return value === undefined ? null : value;
    })
  );
  return { columns, rows };
}

function recordsFromTable(table: ITable): { [key: string]: unknown }[] {
  return table.rows.map(row => {
    const record: { [key: string]: unknown } = {};
    table.columns.forEach((column, i) => {
      record[column] = row[i] === undefined ? null : row[i];
    });
    return record;
  });
}

/** Columnar dict ({"a": [1, 2], "b": [3, 4]}) → table, or `null` when it is not one. */
function tableFromColumnar(value: { [key: string]: unknown }): ITable | null {
  const columns = Object.keys(value);
  if (columns.length === 0) {
    return null;
  }
  const lists = columns.map(column => value[column]);
  if (lists.every(Array.isArray)) {
    const lengths = new Set((lists as unknown[][]).map(list => list.length));
    if (lengths.size !== 1) {
      throw new RequestFormatError(
        'All columns of an "inputs" dict must have the same length.'
      );
    }
    const n = (lists[0] as unknown[]).length;
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++) {
      rows.push((lists as unknown[][]).map(list => list[i]));
    }
    return { columns, rows };
  }
  if (lists.every(item => !Array.isArray(item) && !isPlainObject(item))) {
    // A single row given as {"a": 1, "b": 2}.
    return { columns, rows: [lists] };
  }
  return null;
}

function columnarFromTable(table: ITable): { [key: string]: unknown[] } {
  const result: { [key: string]: unknown[] } = {};
  table.columns.forEach((column, i) => {
    result[column] = table.rows.map(row =>
      row[i] === undefined ? null : row[i]
    );
  });
  return result;
}

function readParams(body: { [key: string]: unknown }): IRequestData['params'] {
  const params = body['params'];
  if (params === undefined || params === null) {
    return null;
  }
  if (!isPlainObject(params)) {
    throw new RequestFormatError(
      '"params" must be a JSON object like {"name": value}.'
    );
  }
  return params;
}

function parseJsonBody(text: string): { [key: string]: unknown } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new RequestFormatError(
      `The body is not valid JSON: ${(error as Error).message}`
    );
  }
  if (!isPlainObject(body)) {
    throw new RequestFormatError(
      'The body must be a JSON object with one of the keys dataframe_split, dataframe_records, instances or inputs.'
    );
  }
  return body;
}

/** Which JSON format a body uses (its first known key), or `null`. */
export function detectFormat(text: string): RequestFormat | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() ? 'csv' : null;
  }
  if (!isPlainObject(body)) {
    return null;
  }
  return JSON_FORMATS.find(format => format in body) ?? null;
}

/** Parse a body written in `format`. Throws `RequestFormatError` with a helpful message. */
export function parseBody(text: string, format: RequestFormat): IRequestData {
  if (format === 'csv') {
    return { table: parseCsv(text), raw: null, params: null };
  }
  const body = parseJsonBody(text);
  const params = readParams(body);
  const value = body[format];
  if (value === undefined) {
    const found = JSON_FORMATS.find(key => key in body);
    throw new RequestFormatError(
      found
        ? `The body uses "${found}", not "${format}". Pick "${found}" to convert it.`
        : `The body has no "${format}" key.`
    );
  }
  switch (format) {
    case 'dataframe_split': {
      if (!isPlainObject(value) || !Array.isArray(value['data'])) {
        throw new RequestFormatError(
          '"dataframe_split" must look like {"columns": [...], "data": [[...], ...]}.'
        );
      }
      const data = value['data'] as unknown[];
      const width =
        data.length > 0 && Array.isArray(data[0])
          ? (data[0] as unknown[]).length
          : 0;
      const columns = Array.isArray(value['columns'])
        ? (value['columns'] as unknown[]).map(String)
        : Array.from({ length: width }, (_, i) => String(i));
      const rows = data.map(row => (Array.isArray(row) ? row : [row]));
      return { table: { columns, rows }, raw: null, params };
    }
    case 'dataframe_records':
      if (!Array.isArray(value)) {
        throw new RequestFormatError(
          '"dataframe_records" must be a list of objects.'
        );
      }
      return { table: tableFromRecords(value), raw: null, params };
    case 'instances':
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every(isPlainObject)
      ) {
        return { table: tableFromRecords(value), raw: null, params };
      }
      if (isPlainObject(value)) {
        const table = tableFromColumnar(value);
        if (table) {
          return { table, raw: null, params };
        }
      }
      return { table: null, raw: value, params };
    case 'inputs':
    default:
      if (isPlainObject(value)) {
        const table = tableFromColumnar(value);
        if (table) {
          return { table, raw: null, params };
        }
      }
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every(isPlainObject)
      ) {
        return { table: tableFromRecords(value), raw: null, params };
      }
      return { table: null, raw: value, params };
  }
}

/** Write `data` in `format`. CSV and dataframes need column data; CSV drops params. */
export function formatBody(data: IRequestData, format: RequestFormat): string {
  if (format === 'csv') {
    if (!data.table) {
      throw new RequestFormatError(
        'Tensor input cannot be written as CSV; use "inputs" or "instances".'
      );
    }
    return toCsv(data.table);
  }
  let value: unknown;
  if (data.table) {
    switch (format) {
      case 'dataframe_split':
        value = { columns: data.table.columns, data: data.table.rows };
        break;
      case 'dataframe_records':
      case 'instances':
        value = recordsFromTable(data.table);
        break;
      case 'inputs':
      default:
        value = columnarFromTable(data.table);
    }
  } else {
    if (format === 'dataframe_split' || format === 'dataframe_records') {
      throw new RequestFormatError(
        'Tensor input cannot be written as a dataframe; use "inputs" or "instances".'
      );
    }
    value = data.raw;
  }
  const body: ServingPayload = { [format]: value };
  if (data.params && Object.keys(data.params).length > 0) {
    body['params'] = data.params;
  }
  return prettyJson(body);
}

/** Re-write `text` from one format into another. */
export function convertBody(
  text: string,
  from: RequestFormat,
  to: RequestFormat
): string {
  return formatBody(parseBody(text, from), to);
}

/** Set (or clear, with `null`) the params of a JSON body; CSV bodies are returned unchanged. */
export function withParams(
  text: string,
  format: RequestFormat,
  params: { [name: string]: unknown } | null
): string {
  if (format === 'csv') {
    return text;
  }
  const data = parseBody(text, format);
  return formatBody({ ...data, params }, format);
}

/** JSON with objects indented and short arrays (such as one data row) kept on one line. */
export function prettyJson(value: unknown, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    const flat = JSON.stringify(value);
    if (
      flat.length + indent.length <= 72 ||
      value.every(item => !isPlainObject(item) && !Array.isArray(item))
    ) {
      return flat;
    }
    return `[\n${value.map(item => inner + prettyJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) {
      return '{}';
    }
    return `{\n${entries
      .map(
        ([key, item]) =>
          `${inner}${JSON.stringify(key)}: ${prettyJson(item, inner)}`
      )
      .join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------- CSV

function csvCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text =
    typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim()
    ? `"${text.replace(/"/g, '""')}"`
    : text;
}

export function toCsv(table: ITable): string {
  const lines = [table.columns.map(csvCell).join(',')];
  for (const row of table.rows) {
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

function csvValue(text: string, quoted: boolean): unknown {
  if (quoted) {
    return text;
  }
  if (text === '') {
    return null;
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    return Number(text);
  }
  if (text === 'true' || text === 'True') {
    return true;
  }
  if (text === 'false' || text === 'False') {
    return false;
  }
  return text;
}

/** RFC 4180 CSV with a header row; unquoted numbers become numbers, empty cells `null`. */
export function parseCsv(text: string): ITable {
  const records: { value: string; quoted: boolean }[][] = [];
  let row: { value: string; quoted: boolean }[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let i = 0;
  const endCell = () => {
    row.push({ value: quoted ? cell : cell.trim(), quoted });
    cell = '';
    quoted = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        inQuotes = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      inQuotes = true;
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      endCell();
      if (!(row.length === 1 && row[0].value === '' && !row[0].quoted)) {
        records.push(row);
      }
      row = [];
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
      }
    } else {
      cell += ch;
    }
    i++;
  }
  if (inQuotes) {
    throw new RequestFormatError('The CSV has an unclosed quote.');
  }
  if (cell !== '' || quoted || row.length > 0) {
    endCell();
    records.push(row);
  }
  if (records.length === 0) {
    throw new RequestFormatError(
      'The CSV is empty: write a header row of column names, then data rows.'
    );
  }
  const columns = records[0].map(c => c.value);
  const rows = records.slice(1).map((record, n) => {
    if (record.length !== columns.length) {
      throw new RequestFormatError(
        `CSV row ${n + 2} has ${record.length} fields, the header has ${columns.length}.`
      );
    }
    return record.map(c => csvValue(c.value, c.quoted));
  });
  return { columns, rows };
}

// ---------------------------------------------------------------- examples from the signature

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

// ---------------------------------------------------------------- predictions as a table

/** Turn a scoring response (`{"predictions": ...}` or a bare value) into a table to display. */
export function predictionsTable(response: unknown): ITable {
  const predictions =
    isPlainObject(response) && 'predictions' in response
      ? response['predictions']
      : response;
  if (Array.isArray(predictions)) {
    if (predictions.length > 0 && predictions.every(isPlainObject)) {
      return tableFromRecords(predictions);
    }
    if (predictions.length > 0 && predictions.every(Array.isArray)) {
      const width = Math.max(
        ...(predictions as unknown[][]).map(row => row.length)
      );
      return {
        columns: Array.from({ length: width }, (_, i) => String(i)),
        rows: predictions as unknown[][]
      };
    }
    return { columns: ['prediction'], rows: predictions.map(value => [value]) };
  }
  if (isPlainObject(predictions)) {
    try {
      const table = tableFromColumnar(predictions);
      if (table) {
        return table;
      }
    } catch {
      // Columns of different lengths: fall through to one cell per key.
    }
    return {
      columns: Object.keys(predictions),
      rows: [Object.values(predictions)]
    };
  }
  return { columns: ['prediction'], rows: [[predictions]] };
}

/** Text for one table cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
