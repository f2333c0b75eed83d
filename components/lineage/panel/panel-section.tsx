import type { ReactNode } from "react";

/** One titled section of the side panel, addressable by the panel's section links. */
export function PanelSection({ id, title, count, children, testId }: { id: string; title: string; count?: number; children: ReactNode; testId: string }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-2 border-b border-line px-4 py-4" data-testid={testId}>
      <h3 id={`${id}-title`} className="mb-3 flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-ink-muted">
        {title}
        {count !== undefined ? <span className="rounded-full bg-surface-muted px-1.5 text-[11px] font-medium normal-case tracking-normal text-ink-muted">{count}</span> : null}
      </h3>
      {children}
    </section>
  );
}

/** A term/definition row of an overview list. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[7.5rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-ink-muted">{label}</dt>
      <dd className="min-w-0 break-words text-ink">{children}</dd>
    </div>
  );
}

/** A column heading of a PanelTable: its words and, for a fixed layout, its width. */
export interface PanelColumn {
  label: string;
  className?: string;
}

/**
 * A small fixed-layout table inside a panel section (a run's parameters, its metrics): headings
 * over rows whose first cell names the row (`<th scope="row">`), a caption for screen readers.
 */
export function PanelTable({ caption, columns, testId, children }: { caption: string; columns: readonly PanelColumn[]; testId: string; children: ReactNode }) {
  return (
    <div className="overflow-hidden rounded-md border border-line">
      <table className="w-full table-fixed text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-surface-muted text-xs text-ink-muted">
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={`px-2.5 py-1.5 font-medium ${column.className ?? ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
