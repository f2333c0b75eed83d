import Link from "next/link";
import type { Investigation } from "@/lib/lineage/investigate-view";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";

const SEVERITY_TONE = { low: "neutral", medium: "warning", high: "danger", critical: "danger" } as const;

/** Why it failed (checks, failed run, marked failed) and the flags on it, direct or inherited: the top of the view. */
export function FailureSummary({ investigation }: { investigation: Investigation }) {
  const { failure, flags, target } = investigation;
  const activeDirect = flags.direct.filter((f) => f.isActive);
  return (
    <div className="grid gap-3 lg:grid-cols-2">
      <section
        aria-labelledby="why-failed-heading"
        data-testid="failure-summary"
        className={failure.isFailed ? "rounded-lg border border-danger/40 bg-danger-soft px-4 py-3" : "rounded-lg border border-line bg-surface px-4 py-3"}
      >
        <h2 id="why-failed-heading" className={failure.isFailed ? "text-sm font-semibold text-danger" : "text-sm font-semibold text-ink"}>
          {failure.isFailed ? `Why it failed (${failure.reasons.length})` : "Not failed"}
        </h2>
        {failure.isFailed ? (
          <ul className="mt-2 space-y-1.5">
            {failure.reasons.map((r, i) => (
              <li key={`${r.source}-${r.check ?? ""}-${i}`} className="text-sm text-ink" data-testid="failure-reason">
                <span className="mr-1.5 rounded bg-surface px-1.5 py-0.5 text-[11px] font-semibold uppercase text-danger">
                  {r.source === "check" ? "check" : r.source === "flag" ? "marked failed" : "run failed"}
                </span>
                {r.check ? <span className="font-mono font-semibold">{r.check}</span> : null}
                {r.check ? ": " : null}
                <span>{r.message}</span>
                {r.run && r.runLabel && r.run !== target.id ? (
                  <span className="text-ink-muted">
                    {" "}
                    — {r.source === "check" ? "reported by" : "see"}{" "}
                    <Link className="underline decoration-dotted hover:text-accent" href={lineageHref(r.run)}>
                      {r.runLabel}
                    </Link>
                  </span>
                ) : null}
                {r.by ? <span className="text-ink-muted"> — by {r.by}</span> : null}
              </li>
            ))}
            {failure.reasons.length === 0 && target.isFailed ? <li className="text-sm text-ink">The run that made it failed.</li> : null}
          </ul>
        ) : (
          <p className="mt-1 text-sm text-ink-muted">No check failed and nobody marked it failed. You can still compare it and look at what made it.</p>
        )}
      </section>

      <section aria-labelledby="flags-heading" data-testid="flags-summary" className="rounded-lg border border-line bg-surface px-4 py-3">
        <h2 id="flags-heading" className="flex items-center gap-2 text-sm font-semibold text-ink">
          Flags
          {flags.isFlagged ? <Badge tone="warning">affected</Badge> : null}
        </h2>
        {activeDirect.length === 0 && flags.inherited.length === 0 ? (
          <p className="mt-1 text-sm text-ink-muted">No flag on it or upstream of it.</p>
        ) : (
          <ul className="mt-2 space-y-1.5">
            {activeDirect.map((f) => (
              <li key={f.flagId} className="text-sm text-ink" data-testid="flag-direct">
                <Badge tone={SEVERITY_TONE[f.severity]}>{f.kind}</Badge>{" "}
                <Link href={`/investigate/flags/${encodeURIComponent(f.flagId)}`} className="font-medium underline decoration-dotted hover:text-accent">
                  flagged here
                </Link>{" "}
                by {f.by}, {formatDateTime(f.createdAt)}: {f.reason}
              </li>
            ))}
            {flags.inherited.map((i) => (
              <li key={`${i.flagId}-${i.from}`} className="text-sm text-ink" data-testid="flag-inherited">
                <Badge tone={SEVERITY_TONE[i.flag.severity]}>{i.flag.kind}</Badge>{" "}
                <Link href={`/investigate/flags/${encodeURIComponent(i.flagId)}`} className="font-medium underline decoration-dotted hover:text-accent">
                  {i.description}
                </Link>
                <span className="text-ink-muted">: {i.flag.reason}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
