import type { ReactNode } from 'react';

/** A column heading: its words, or with the class that aligns its cells (`number`, `num`). */
export type Column = ReactNode | { label: ReactNode; className: string };

const isClassed = (column: Column): column is { label: ReactNode; className: string } =>
  typeof column === 'object' && column !== null && 'className' in column && 'label' in column;

/**
 * A table of records as every page shows one: column headings, then the rows the page writes
 * (`children`). The headings are scoped to their columns, so a screen reader names each cell.
 */
export function DataTable({ columns, caption, testId, children }: { columns: readonly Column[]; caption?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <table className="data-table" data-testid={testId}>
      {caption === undefined ? null : <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column, index) =>
            isClassed(column) ? (
              <th key={index} scope="col" className={column.className}>
                {column.label}
              </th>
            ) : (
              <th key={index} scope="col">
                {column}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
