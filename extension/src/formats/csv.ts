/**
 * CSV request bodies (`text/csv`, RFC 4180 with a header row), as MLflow's scoring server reads
 * them: written from and parsed into a column table.
 */
import { ITable, RequestFormatError } from './table';

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
