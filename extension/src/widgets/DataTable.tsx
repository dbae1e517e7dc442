/**
 * The one table component of the panel: predictions, signature schemas, params, requirements,
 * files and run info. Rows are any objects; each column says how to render its cell.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

export interface IDataColumn<R> {
  /** Header text (also what a screen reader announces for the column). */
  header: string;
  cell: (row: R) => React.ReactNode;
  /** Classes of this column's cells (e.g. `sb-num` for right-aligned sizes). */
  className?: string;
  /** Render the cells as row headers (`<th scope="row">`), as in a key/value table. */
  rowHeader?: boolean;
}

export interface IDataTableProps<R> {
  columns: ReadonlyArray<IDataColumn<R>>;
  rows: ReadonlyArray<R>;
  /** The accessible name (`aria-label`) when the table has no caption. */
  label?: string;
  /** A visible caption, followed by the row count; it names the table. */
  caption?: string;
  /** Show at most this many rows (the caption says how many are shown); default all. */
  maxRows?: number;
  /** Leave out the header row (key/value tables, file lists). */
  headless?: boolean;
  rowKey?: (row: R, index: number) => React.Key;
  rowClassName?: (row: R) => string | undefined;
  /** `data-*` attributes of a row, by name without the `data-` prefix. */
  rowData?: (row: R) => { [name: string]: string };
  /** Put the table in a scrolling box (`sb-table-wrap`) with these extra classes. */
  scrollClassName?: string;
  trans: TranslationBundle;
}

function dataAttributes(data: { [name: string]: string } | undefined): {
  [attribute: string]: string;
} {
  const attributes: { [attribute: string]: string } = {};
  for (const [name, value] of Object.entries(data ?? {})) {
    attributes[`data-${name}`] = value;
  }
  return attributes;
}

export function DataTable<R>(props: IDataTableProps<R>): JSX.Element {
  const { columns, rows, maxRows, trans } = props;
  const shown = maxRows === undefined ? rows : rows.slice(0, maxRows);
  const count =
    shown.length < rows.length
      ? trans._n(
          '%1 row, first %2 shown',
          '%1 rows, first %2 shown',
          rows.length,
          shown.length
        )
      : trans._n('%1 row', '%1 rows', rows.length);
  const table = (
    <table
      className="sb-table"
      aria-label={props.caption === undefined ? props.label : undefined}
    >
      {props.caption !== undefined ? (
        <caption className="sb-muted">{`${props.caption} (${count})`}</caption>
      ) : null}
      {props.headless ? null : (
        <thead>
          <tr>
            {columns.map((column, c) => (
              <th key={c} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {shown.map((row, r) => (
          <tr
            key={props.rowKey ? props.rowKey(row, r) : r}
            className={props.rowClassName?.(row)}
            {...dataAttributes(props.rowData?.(row))}
          >
            {columns.map((column, c) =>
              column.rowHeader ? (
                <th key={c} scope="row" className={column.className}>
                  {column.cell(row)}
                </th>
              ) : (
                <td key={c} className={column.className}>
                  {column.cell(row)}
                </td>
              )
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (props.scrollClassName === undefined) {
    return table;
  }
  return (
    <div className={`sb-table-wrap ${props.scrollClassName}`}>{table}</div>
  );
}
