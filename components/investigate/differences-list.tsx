"use client";

import type { DifferenceKind, RankedDifference } from "@/lib/lineage/investigate-diff";
import { cn } from "@/components/ui/cn";

const KIND_LABEL: Record<DifferenceKind, { label: string; className: string }> = {
  "input-changed": { label: "input changed", className: "bg-warning-soft text-warning" },
  "input-added": { label: "input added", className: "bg-info-soft text-info" },
  "input-removed": { label: "input removed", className: "bg-surface-muted text-ink-muted" },
  parameter: { label: "parameter", className: "bg-accent-soft text-accent" },
  code: { label: "code", className: "bg-synthetic-soft text-synthetic" },
  job: { label: "job", className: "bg-danger-soft text-danger" },
};

/** The differences against the comparison, most telling first; a click shows the node in the graph. */
export function DifferencesList({
  ranked,
  selectedId,
  onReveal,
  limit = 40,
}: {
  ranked: RankedDifference[];
  selectedId: string | null;
  onReveal: (id: string) => void;
  limit?: number;
}) {
  if (ranked.length === 0) {
    return <p className="px-4 py-3 text-sm text-ink-muted">No differences upstream: both were made the same way.</p>;
  }
  return (
    <ol className="divide-y divide-line" data-testid="differences-list" aria-label="Differences, most telling first">
      {ranked.slice(0, limit).map((d, i) => {
        const kind = KIND_LABEL[d.kind];
        return (
          <li key={d.key} data-testid="difference" data-kind={d.kind}>
            <button
              type="button"
              onClick={() => onReveal(d.node)}
              className={cn(
                "flex w-full gap-3 px-4 py-2.5 text-left hover:bg-surface-muted focus-visible:bg-surface-muted",
                selectedId === d.node ? "bg-accent-soft/60" : "",
              )}
              aria-label={`Difference ${i + 1}: ${d.title}. Show it in the graph.`}
            >
              <span className="mt-0.5 w-5 shrink-0 text-right text-xs font-semibold tabular-nums text-ink-faint">{i + 1}</span>
              <span className="min-w-0 flex-1">
                <span className="flex flex-wrap items-center gap-1.5">
                  <span className={cn("rounded px-1.5 text-[10px] font-semibold uppercase leading-4", kind.className)}>{kind.label}</span>
                  {d.depth > 0 ? <span className="text-[11px] text-ink-faint">{d.depth} run{d.depth === 1 ? "" : "s"} further up</span> : null}
                </span>
                <span className="mt-0.5 block break-words text-sm font-medium text-ink" data-testid="difference-title">
                  {d.title}
                </span>
                <span className="block break-words text-xs text-ink-muted">{d.detail}</span>
                {d.reason ? (
                  <span className="mt-1 block rounded bg-surface-muted px-2 py-1 text-xs text-ink" data-testid="difference-reason">
                    <span className="font-semibold">Why: </span>
                    {d.reason.reason}
                    {d.reason.author || d.reason.ticket ? (
                      <span className="text-ink-muted"> — {[d.reason.author, d.reason.ticket].filter(Boolean).join(", ")}</span>
                    ) : null}
                  </span>
                ) : null}
              </span>
            </button>
          </li>
        );
      })}
      {ranked.length > limit ? <li className="px-4 py-2 text-xs text-ink-muted">{ranked.length - limit} smaller differences not shown.</li> : null}
    </ol>
  );
}
