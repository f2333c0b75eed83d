import type { ReactNode } from "react";
import type { ViewPoint } from "@/lib/lineage/types";

/**
 * The strip every as-of page carries while it shows the past: "Viewing event #49 · 2026-10-15 —
 * back to now". `back` is the link or button to the same view now.
 */
export function AsOfBanner({ point, back }: { point: Pick<ViewPoint, "seq" | "time">; back: ReactNode }) {
  return (
    <div
      role="status"
      className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-warning/40 bg-warning-soft px-4 py-1.5 text-sm text-ink print:border print:bg-transparent"
      data-testid="as-of-banner"
    >
      <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="text-warning">
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v5l3 2" strokeLinecap="round" />
      </svg>
      <span>
        Viewing event <strong className="tabular-nums">#{point.seq}</strong>
        {point.time ? ` · ${point.time.slice(0, 10)}` : ""} — the past: nothing recorded after this event is shown.
      </span>
      <span className="print:hidden">{back}</span>
    </div>
  );
}
