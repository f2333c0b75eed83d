import Link from "next/link";
import type { SyntheticReportView } from "@/lib/lineage/investigate-view";
import { Card, CardHeader } from "@/components/ui/card";
import { formatCount } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";
import { formatShare } from "./investigate-node";
import { describeSyntheticBasis } from "@/lib/lineage/synthetic";

/** The synthetic data behind a version: share, feedback generation, where it entered training, warnings. */
export function SyntheticCard({ report }: { report: SyntheticReportView }) {
  const label = (id: string) => report.labels[id] ?? id;
  return (
    <Card aria-labelledby="synthetic-heading" data-testid="synthetic-card">
      <CardHeader
        title={<span id="synthetic-heading">Synthetic data behind it</span>}
        description="Model output fed back into training, generation after generation, is how model collapse starts."
      />
      <div className="space-y-3 px-4 py-3">
        <dl className="grid grid-cols-3 gap-3">
          <div>
            <dt className="text-xs text-ink-muted">Synthetic share</dt>
            <dd className="text-xl font-semibold tabular-nums text-ink" data-testid="synthetic-share">{formatShare(report.share)}</dd>
            <dd className="text-xs text-ink-muted" data-testid="synthetic-basis">
              {describeSyntheticBasis(report.basis, report.isModel)}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-ink-muted">Generation</dt>
            <dd className="text-xl font-semibold tabular-nums text-ink" data-testid="synthetic-generation">{report.generation}</dd>
          </div>
          <div>
            <dt className="text-xs text-ink-muted">Rows behind it</dt>
            <dd className="text-xl font-semibold tabular-nums text-ink">{report.rows === null ? "—" : formatCount(report.rows)}</dd>
          </div>
        </dl>
        <p className="text-xs text-ink-muted">
          One definition of synthetic share, here and on the graph's badges: recorded by the producer, else all of a model's output, else none of a source, else the row-weighted share of what it was made (or, for a model, trained) from. Generation = how many times model output was fed back into training upstream. Warnings for models at {formatShare(report.thresholds.share)} synthetic or {report.thresholds.generations} generations.
        </p>
        {report.warnings.map((w) => (
          <p key={w.code} role="alert" className="rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-ink" data-testid="synthetic-warning">
            {w.message}
          </p>
        ))}
        {report.sources.length === 0 ? (
          <p className="text-sm text-ink-muted">No synthetic data upstream.</p>
        ) : (
          <ul className="space-y-1.5" aria-label="Synthetic data upstream">
            {report.sources.map((s) => (
              <li key={s.node} className="text-sm text-ink" data-testid="synthetic-source">
                <Link href={lineageHref(s.node)} className="font-medium underline decoration-dotted hover:text-accent">
                  {label(s.node)}
                </Link>{" "}
                <span className="text-ink-muted">
                  ({formatShare(s.share)} synthetic{s.rows !== null ? `, ${formatCount(s.rows)} rows` : ""}
                  {s.isRecordedSynthetic ? ", recorded as synthetic" : ", model output"})
                </span>
                {s.enteredTraining.length > 0 ? (
                  <span className="block text-xs font-medium text-synthetic" data-testid="entered-training">
                    entered training in {s.enteredTraining.map(label).join(", ")}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
