import type { HTMLAttributes, Key, ReactNode } from "react";
import { formatDateTime } from "@/components/format";
import { cn } from "./cn";

/** One column of a RecordTable: its heading and how a row fills its cell. */
export interface RecordColumn<T> {
  /** The heading; none for a column of row actions. */
  header?: ReactNode;
  cell: (row: T) => ReactNode;
  /** Classes of the column's cells (width, wrapping, alignment). */
  className?: string;
}

/** Attributes a row carries for tests and styles (`data-*`, `className`). */
export type RecordRowProps = HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;

/**
 * A table of records (keys, people, producer keys, share links): a row each, a column each for
 * what a person compares down the list, and a last column for the row's actions.
 */
export function RecordTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  testId,
}: {
  rows: readonly T[];
  columns: readonly RecordColumn<T>[];
  rowKey: (row: T) => Key;
  rowProps?: (row: T) => RecordRowProps;
  testId?: string;
}) {
  return (
    <table className="w-full text-left text-sm" data-testid={testId}>
      <thead className="border-b border-line text-xs uppercase tracking-wide text-ink-faint">
        <tr>
          {columns.map((column, index) => (
            <th key={index} className="px-4 py-2 font-medium">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-line">
        {rows.map((row) => (
          <tr key={rowKey(row)} {...rowProps?.(row)}>
            {columns.map((column, index) => (
              <td key={index} className={cn("px-4 py-2.5", column.className)}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** When something was done and by whom, as a record's cell shows it. */
export function DoneBy({ at, by }: { at: string; by: string }) {
  return (
    <>
      {formatDateTime(at)}
      <div className="text-xs">by {by}</div>
    </>
  );
}
