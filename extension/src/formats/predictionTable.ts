/** A scoring server's answer as a table to display. */
import {
  isPlainObject,
  ITable,
  tableFromColumnar,
  tableFromRecords
} from './table';

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
