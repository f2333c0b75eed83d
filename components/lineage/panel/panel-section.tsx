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
