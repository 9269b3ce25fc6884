import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Column<T> {
  /** Stable key of the column. */
  key: string;
  header: string;
  cell(row: T): ReactNode;
}

/**
 * A table of records: a caption that names it, column headers scoped for screen readers, and on a
 * narrow screen a horizontal scroll inside its own focusable region so the page itself never
 * scrolls sideways (WCAG 1.4.10) and keyboard users can scroll it too.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  minWidth = 560,
}: {
  caption: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey(row: T, index: number): string;
  /** Below this width the table scrolls instead of squeezing its columns. */
  minWidth?: number;
}) {
  return (
    <div className="ov-table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <Table striped verticalSpacing="sm" miw={minWidth}>
        <caption className="ov-visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} scope="col">
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <Table.Td key={c.key}>{c.cell(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
