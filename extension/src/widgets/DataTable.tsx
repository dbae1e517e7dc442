/** A small accessible table for column data (predictions, signature columns). */
import React from 'react';

import { ITable } from '../formats/table';

/** Rows beyond this are summarised, so a big answer cannot freeze the page. */
const MAX_ROWS = 200;

export function DataTable(props: {
  table: ITable;
  caption: string;
  cell: (value: unknown) => string;
  className?: string;
}): JSX.Element {
  const { table } = props;
  const rows = table.rows.slice(0, MAX_ROWS);
  return (
    <div className={`sb-table-wrap ${props.className ?? ''}`}>
      <table className="sb-table">
        <caption className="sb-muted">
          {props.caption} ({table.rows.length} row
          {table.rows.length === 1 ? '' : 's'}
          {table.rows.length > MAX_ROWS ? `, first ${MAX_ROWS} shown` : ''})
        </caption>
        <thead>
          <tr>
            {table.columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {table.columns.map((_, c) => (
                <td key={c}>{props.cell(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
