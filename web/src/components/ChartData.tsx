import type { ReactNode } from 'react';

export interface DataColumn<Row> {
  header: string;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** A cell class beside `num` (e.g. `date`). */
  className?: string;
  /** The cell names its row (a `<th scope="row">`, read first by screen readers). */
  rowHeader?: boolean;
  cell: (row: Row) => ReactNode;
}

/**
 * The figures behind a chart, as a table under a "show the figures" disclosure: what a screen
 * reader reads instead of the drawing, and what an officer copies into a report.
 */
export function ChartData<Row>({
  summary,
  rows,
  columns,
  rowKey,
  testId,
  isSelected,
}: {
  summary: string;
  rows: readonly Row[];
  columns: ReadonlyArray<DataColumn<Row>>;
  rowKey: (row: Row) => string | number;
  testId?: string;
  isSelected?: (row: Row) => boolean;
}) {
  const cellClass = (column: DataColumn<Row>): string | undefined => [column.numeric ? 'num' : null, column.className ?? null].filter(Boolean).join(' ') || undefined;
  return (
    <details className="chart-data">
      <summary>{summary}</summary>
      <div className="table-scroll">
        <table className="data-table" data-testid={testId}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.header} scope="col" className={column.numeric ? 'num' : undefined}>
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} className={isSelected?.(row) ? 'selected' : undefined}>
                {columns.map((column) =>
                  column.rowHeader ? (
                    <th key={column.header} scope="row" className={cellClass(column)}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={column.header} className={cellClass(column)}>
                      {column.cell(row)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
