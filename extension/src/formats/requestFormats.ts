/**
 * MLflow's request formats for the test-request console (pure conversions: no DOM, no network).
 *
 * A request body is parsed into neutral `IRequestData` (a table of named columns, or a raw tensor
 * value, plus params) and written back in any of MLflow's scoring formats: the JSON keys
 * `dataframe_split`, `dataframe_records`, `instances`, `inputs`, or CSV (`text/csv`, no params; see `csv.ts`).
 */
import { ServingPayload } from '../rest';
import { parseCsv, toCsv } from './csv';
import {
  columnarFromTable,
  isPlainObject,
  ITable,
  recordsFromTable,
  RequestFormatError,
  tableFromColumnar,
  tableFromRecords
} from './table';

export type RequestFormat =
  'dataframe_split' | 'dataframe_records' | 'instances' | 'inputs' | 'csv';

/** The formats the console offers; `name` is how MLflow's docs call them (a wire name, not prose). */
export const REQUEST_FORMATS: ReadonlyArray<{
  id: RequestFormat;
  name: string;
}> = [
  { id: 'dataframe_split', name: 'dataframe_split' },
  { id: 'dataframe_records', name: 'dataframe_records' },
  { id: 'instances', name: 'instances' },
  { id: 'inputs', name: 'inputs' },
  { id: 'csv', name: 'CSV' }
];

/** The JSON request formats, in the order a body's keys are tried. */
export const JSON_FORMATS: ReadonlyArray<RequestFormat> = [
  'dataframe_split',
  'dataframe_records',
  'instances',
  'inputs'
];

export interface IRequestData {
  /** Column data; `null` when the input is a tensor (`raw` holds it then). */
  table: ITable | null;
  raw: unknown;
  params: { [name: string]: unknown } | null;
}

export function contentTypeOf(format: RequestFormat): string {
  return format === 'csv' ? 'text/csv' : 'application/json';
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
