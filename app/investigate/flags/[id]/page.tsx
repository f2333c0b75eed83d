import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { getFlagImpact } from "@/lib/server/flags";
import type { FlagImpact } from "@/lib/lineage/investigate-view";
import type { ImpactedNode } from "@/lib/lineage/flags";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";
import { RemoveFlagButton } from "@/components/investigate/flag-button";
import { investigateHref } from "@/components/investigate/investigate-href";
import { idFromPageParam } from "@/lib/lineage/node-id";
import { requirePageReader } from "@/lib/server/auth-context";

export const metadata: Metadata = { title: "Flag impact" };
export const dynamic = "force-dynamic";

const label = (n: ImpactedNode) => (n.type === "run" ? `${n.name} run` : n.version ? `${n.name}@${n.version}` : n.name);

/** One flag: what, who, why, and everything it reaches downstream, with a CSV of it. */
export default async function FlagImpactPage({ params }: { params: Promise<{ id: string }> }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const { id } = await params;
  let impact: FlagImpact;
  try {
    impact = await getFlagImpact(getStore(), idFromPageParam(id));
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const { flag, summary } = impact;
  const counts = [
    { label: "Models", value: summary.counts.models, testId: "impact-models-count" },
    { label: "Generated outputs", value: summary.counts.outputs, testId: "impact-outputs-count" },
    { label: "Evaluations", value: summary.counts.evaluations, testId: "impact-evaluations-count" },
    { label: "Other data", value: summary.counts.data, testId: "impact-data-count" },
    { label: "Runs", value: summary.counts.runs, testId: "impact-runs-count" },
    { label: "Already failed", value: summary.counts.failed, testId: "impact-failed-count" },
  ];
  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 px-4 py-8 sm:px-6" data-testid="flag-impact" data-flag-id={flag.flagId}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs font-medium text-ink-muted">
            <Link href="/investigate" className="hover:text-accent">Investigate</Link> · <Link href="/investigate/flags" className="hover:text-accent">Flags</Link>
          </p>
          <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-ink">
            <Badge tone={flag.isActive ? "warning" : "neutral"}>{flag.kind}</Badge>
            <span className="break-all">{flag.nodeLabel}</span>
            <Badge tone={flag.severity === "high" || flag.severity === "critical" ? "danger" : "neutral"}>{flag.severity}</Badge>
            {flag.isActive ? null : <Badge>removed</Badge>}
          </h1>
          <p className="mt-1 text-sm text-ink">{flag.reason}</p>
          <p className="mt-1 text-xs text-ink-muted">
            Flagged by {flag.by}, {formatDateTime(flag.createdAt)} (event #{flag.seq}).
            {flag.isActive ? null : ` Removed by ${flag.removedBy}, ${formatDateTime(flag.removedAt)}${flag.removedReason ? `: ${flag.removedReason}` : ""} (event #${flag.removedSeq}). The impact below is what it reached while in force.`}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href={investigateHref(flag.node)} className={buttonClasses("secondary", "sm")}>Investigate {flag.nodeLabel}</Link>
          <a href={`/api/v1/flags/${encodeURIComponent(flag.flagId)}/impact.csv`} className={buttonClasses("secondary", "sm")} data-testid="impact-csv" download>
            Download CSV
          </a>
          {flag.isActive ? <RemoveFlagButton flagId={flag.flagId} /> : null}
        </div>
      </div>

      <section aria-label="Impact counts" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {counts.map((c) => (
          <div key={c.label} className="rounded-lg border border-line bg-surface px-4 py-3 shadow-card" data-testid={c.testId}>
            <p className="text-xs font-medium uppercase tracking-wide text-ink-muted">{c.label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums text-ink">{c.value}</p>
          </div>
        ))}
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <ImpactList title="Affected models" nodes={summary.models} testId="impact-models" empty="No model is downstream of it." />
        <ImpactList title="Affected outputs and evaluations" nodes={summary.outputs} testId="impact-outputs" empty="No generated output or evaluation is downstream of it." />
      </div>
      <ImpactList title={`Everything it reaches (${summary.counts.total})`} nodes={summary.nodes} testId="impact-all" empty="Nothing is downstream of it." />
    </div>
  );
}

function ImpactList({ title, nodes, testId, empty }: { title: string; nodes: ImpactedNode[]; testId: string; empty: string }) {
  return (
    <Card aria-label={title} data-testid={testId}>
      <CardHeader title={title} />
      {nodes.length === 0 ? (
        <EmptyState compact title={empty} />
      ) : (
        <ul className="max-h-[28rem] divide-y divide-line overflow-y-auto">
          {nodes.map((n) => (
            <li key={n.id} className="flex flex-wrap items-center gap-2 px-4 py-2" data-testid="impact-node" data-node-id={n.id}>
              <Link href={lineageHref(n.id)} className="min-w-0 flex-1 break-all text-sm font-medium text-ink hover:text-accent">
                {label(n)}
              </Link>
              {n.isFailed ? <Badge tone="danger">failed</Badge> : null}
              <span className="text-xs text-ink-muted">{n.kind ?? n.type}</span>
              <span className="text-xs tabular-nums text-ink-muted">{n.hops} hop{n.hops === 1 ? "" : "s"} down</span>
              {n.type !== "run" ? (
                <Link href={investigateHref(n.id)} className="text-xs font-medium text-accent hover:underline">investigate</Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
