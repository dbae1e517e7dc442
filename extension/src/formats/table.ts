/**
 * The neutral shape every request format and the predictions view convert through: a table of named
 * columns, with the conversions to and from records (`[{"a": 1}]`) and columnar dicts
 * (`{"a": [1, 2]}`), and the error a body that cannot be read raises.
 */

export interface ITable {
  columns: string[];
  rows: unknown[][];
}

/** A body that cannot be read in the chosen format, with a message saying what is wrong. */
export class RequestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestFormatError';
  }
}

export function isPlainObject(
  value: unknown
): value is { [key: string]: unknown } {
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

export function recordsFromTable(table: ITable): { [key: string]: unknown }[] {
  return table.rows.map(row => {
    const record: { [key: string]: unknown } = {};
    table.columns.forEach((column, i) => {
      record[column] = row[i] === undefined ? null : row[i];
    });
    return record;
  });
}

/** Columnar dict ({"a": [1, 2], "b": [3, 4]}) → table, or `null` when it is not one. */
export function tableFromColumnar(value: {
  [key: string]: unknown;
}): ITable | null {
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

export function columnarFromTable(table: ITable): { [key: string]: unknown[] } {
  const result: { [key: string]: unknown[] } = {};
  table.columns.forEach((column, i) => {
    result[column] = table.rows.map(row =>
      row[i] === undefined ? null : row[i]
    );
  });
  return result;
}
