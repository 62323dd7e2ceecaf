import type { ReactNode, TableHTMLAttributes } from 'react';

/** A column heading: its words, or with the class that aligns its cells (`number`, `num`). */
export type Column = ReactNode | { label: ReactNode; className: string };

const isClassed = (column: Column): column is { label: ReactNode; className: string } =>
  typeof column === 'object' && column !== null && 'className' in column && 'label' in column;

/** What a page may set on the table itself: a focus target (`id`, `tabIndex`), its loading state, data-* for tests. */
type TableAttributes = Pick<TableHTMLAttributes<HTMLTableElement>, 'id' | 'tabIndex' | 'aria-busy'> & { [data: `data-${string}`]: string | number | undefined };

/**
 * A table of records as every page shows one: column headings, then the rows the page writes
 * (`children`). The headings are scoped to their columns, so a screen reader names each cell.
 */
export function DataTable({
  columns,
  caption,
  captionHidden = false,
  className,
  testId,
  empty,
  children,
  ...table
}: {
  columns: readonly Column[];
  caption?: ReactNode;
  /** The caption is read by screen readers only (the heading above already says it on screen). */
  captionHidden?: boolean;
  /** The page's own table classes, after `data-table`. */
  className?: string;
  testId?: string;
  /** When there are no rows: the one row that says so (or that they are loading), across every column. */
  empty?: ReactNode;
  children?: ReactNode;
} & TableAttributes) {
  return (
    <table {...table} className={className === undefined ? 'data-table' : `data-table ${className}`} data-testid={testId}>
      {caption === undefined ? null : <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>}
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
      <tbody>
        {children}
        {empty === undefined || empty === null || empty === false ? null : (
          <tr>
            <td colSpan={columns.length} className="empty">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
