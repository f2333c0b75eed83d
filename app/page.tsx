import Link from "next/link";
import type { ReactNode } from "react";
import type { FailedOutput, RunWithJob, StoreOverview } from "@/lib/lineage/types";
import { getStore } from "@/lib/server/db";
import { getOverview } from "@/lib/server/overview";
import { listInvalidSignatures, type InvalidSignature } from "@/lib/server/signers";
import { lineageHref } from "@/lib/lineage/url-state";
import { Badge, runStateTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { NodeIcon, kindColour, visualKindOf } from "@/components/lineage/node-icon";
import { durationBetween, formatCount, formatDuration, shortRunId } from "@/components/format";
import { RelativeTime } from "@/components/ui/relative-time";
import { investigateHref } from "@/components/investigate/investigate-href";
import { requirePageReader } from "@/lib/server/auth-context";
import { catalogHref } from "@/lib/schemas/catalog";

// The overview reads the live store on every request.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const overview = await getOverview(getStore());
  const invalidSignatures = await listInvalidSignatures(getStore(), 12);
  const isEmpty = overview.stats.events === 0 && overview.stats.datasets === 0 && overview.stats.jobs === 0;

  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6">
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Overview</h1>
        <p className="mt-1 text-sm text-ink-muted">
          What the lineage store holds. Open any run or job to see what made each artefact, with which parameters, and why it changed.
        </p>
      </div>
      {isEmpty ? <EmptyStore /> : <StoreSummary overview={overview} invalidSignatures={invalidSignatures} />}
    </div>
  );
}

function StoreSummary({ overview, invalidSignatures }: { overview: StoreOverview; invalidSignatures: InvalidSignature[] }) {
  const { stats } = overview;
  // The request time: relative times on this page are "ago" from when it was rendered.
  const now = Date.now();
  // Counts of what can be browsed open that list: datasets and jobs in the catalogue, events in the audit log.
  const counts: { label: string; value: number; testId: string; href?: string }[] = [
    { label: "Datasets", value: stats.datasets, testId: "stat-datasets", href: catalogHref({ type: "dataset" }) },
    { label: "Dataset versions", value: stats.datasetVersions, testId: "stat-dataset-versions" },
    { label: "Jobs", value: stats.jobs, testId: "stat-jobs", href: catalogHref({ type: "job" }) },
    { label: "Runs", value: stats.runs, testId: "stat-runs" },
    { label: "Lineage edges", value: stats.edges, testId: "stat-edges" },
    { label: "Events", value: stats.events, testId: "stat-events", href: "/audit" },
  ];

  return (
    <div className="space-y-6">
      <section aria-label="Store counts" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {counts.map((count) => {
          const body = (
            <>
              <p className="text-xs font-medium uppercase tracking-wide text-ink-muted">{count.label}</p>
              <p className="mt-1 text-2xl font-semibold tabular-nums text-ink">{formatCount(count.value)}</p>
            </>
          );
          const box = "block rounded-lg border border-line bg-surface px-4 py-3 shadow-card";
          return count.href ? (
            <Link key={count.label} href={count.href} className={`${box} hover:border-accent`} data-testid={count.testId}>
              {body}
            </Link>
          ) : (
            <div key={count.label} className={box} data-testid={count.testId}>
              {body}
            </div>
          );
        })}
      </section>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <OverviewCard
            id="failed-outputs"
            title="Failed outputs"
            description="Outputs whose run failed or that failed an evaluation: investigate one to see what differs from a good one."
            count={overview.failedOutputs.length}
            isAlarm
            empty={<EmptyState compact title="No failed outputs">No output has failed a run or an evaluation.</EmptyState>}
          >
            <FailedOutputList outputs={overview.failedOutputs} now={now} />
          </OverviewCard>

          {invalidSignatures.length > 0 ? (
            <OverviewCard
              id="invalid-signatures"
              title="Invalid signatures"
              description="Outputs whose producer signature does not match their content hash under the registered key: changed after signing, or signed by someone else."
              count={invalidSignatures.length}
              isAlarm
              empty={null}
            >
              <ul className="divide-y divide-line">
                {invalidSignatures.map((row) => (
                  <li key={row.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3" data-testid="invalid-signature-row">
                    <Link href={lineageHref(row.id)} className="font-medium text-ink hover:text-accent hover:underline">
                      {row.name}
                    </Link>
                    <span className="font-mono text-xs text-ink-muted">@{row.version}</span>
                    <Badge tone="danger">signature invalid</Badge>
                    <span className="text-xs text-ink-muted">claimed signer {row.signerName}</span>
                    <RelativeTime iso={row.createdAt} now={now} className="ml-auto text-xs text-ink-muted" />
                  </li>
                ))}
              </ul>
            </OverviewCard>
          ) : null}

          <OverviewCard
            id="failed-runs"
            title="Failed runs"
            description="Start an investigation here: open the run to walk back to its inputs."
            count={overview.failedRuns.length}
            isAlarm
            empty={<EmptyState compact title="No failed runs">Every recorded run completed or is still running.</EmptyState>}
          >
            <RunList runs={overview.failedRuns} now={now} showError />
          </OverviewCard>

          <OverviewCard id="recent-runs" title="Recent runs" description="Newest first." count={overview.recentRuns.length} empty={<EmptyState compact title="No runs yet" />}>
            <RunList runs={overview.recentRuns} now={now} />
          </OverviewCard>
        </div>

        <div className="space-y-6">
        <OverviewCard id="sources" title="Sources" description="Where the lineage came from." count={overview.sources.length} empty={<EmptyState compact title="No jobs yet" />}>
          <ul className="divide-y divide-line">
            {overview.sources.map((source) => (
              <li key={source.name} className="px-4 py-3" data-testid={`source-${source.name.toLowerCase()}`}>
                <div className="flex items-center justify-between gap-3">
                  <span className="text-sm font-medium text-ink">{source.name === "MLflow" ? "Imported from MLflow" : "Sent as OpenLineage"}</span>
                  <span className="shrink-0 text-xs text-ink-muted">
                    {formatCount(source.jobs)} {source.name === "MLflow" ? "experiments" : "jobs"} · {formatCount(source.runs)} runs
                  </span>
                </div>
                {source.integrations.length > 0 ? (
                  <p className="mt-0.5 truncate text-xs text-ink-muted">{source.integrations.map((i) => i.toLowerCase()).join(", ")}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </OverviewCard>

        <OverviewCard
          id="namespaces"
          title="Namespaces"
          description="Teams or systems the events came from."
          count={overview.namespaces.length}
          empty={<EmptyState compact title="No namespaces" />}
          footer={<CardBody className="border-t border-line text-xs text-ink-muted">Looking for something by name? Use the search box above (Ctrl K).</CardBody>}
        >
          <ul className="divide-y divide-line">
            {overview.namespaces.map((ns) => (
              <li key={ns.namespace}>
                <Link href={catalogHref({ namespace: ns.namespace })} className="flex items-center justify-between gap-3 px-4 py-3 hover:bg-surface-muted" data-testid="namespace-link">
                  <span className="min-w-0 truncate font-mono text-sm text-ink" title={ns.namespace}>{ns.namespace}</span>
                  <span className="shrink-0 text-xs text-ink-muted">
                    {formatCount(ns.datasets)} datasets · {formatCount(ns.jobs)} jobs
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </OverviewCard>
        </div>
      </div>
    </div>
  );
}

/**
 * One card of the overview, labelled by its heading: a list, or `empty` saying why there is none.
 * A card of trouble (`isAlarm`: failures, bad signatures) shows its count as a red badge.
 */
function OverviewCard({
  id,
  title,
  description,
  count,
  isAlarm = false,
  empty,
  footer,
  children,
}: {
  id: string;
  title: string;
  description: string;
  count: number;
  isAlarm?: boolean;
  empty: ReactNode;
  footer?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card aria-labelledby={`${id}-heading`} data-testid={id}>
      <CardHeader title={<span id={`${id}-heading`}>{title}</span>} description={description} action={isAlarm && count > 0 ? <Badge tone="danger">{count}</Badge> : null} />
      {count === 0 ? empty : children}
      {footer}
    </Card>
  );
}

function FailedOutputList({ outputs, now }: { outputs: FailedOutput[]; now: number }) {
  return (
    <ul className="divide-y divide-line">
      {outputs.map((output) => {
        const kind = visualKindOf("datasetVersion", output.dataset.kind);
        return (
          <li key={output.id} className="px-4 py-3" data-testid="failed-output-row">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span style={{ color: kindColour(kind) }}>
                <NodeIcon kind={kind} size={16} />
              </span>
              <Link href={lineageHref(output.id)} className="font-medium text-ink hover:text-accent hover:underline">
                {output.dataset.name}
              </Link>
              <span className="font-mono text-xs text-ink-muted">@{output.version}</span>
              <Badge tone="danger">failed</Badge>
              <RelativeTime iso={output.createdAt} now={now} className="text-xs text-ink-muted" />
              <Link
                href={investigateHref(output.id)}
                className="ml-auto text-xs font-medium text-accent hover:underline"
                aria-label={`Investigate ${output.dataset.name} at ${output.version}`}
              >
                Investigate →
              </Link>
            </div>
            {output.reasons.slice(0, 2).map((reason) => (
              <p key={reason} className="mt-1 line-clamp-2 break-words text-xs text-danger">{reason}</p>
            ))}
            <p className="mt-0.5 text-xs text-ink-faint">{output.dataset.namespace}</p>
          </li>
        );
      })}
    </ul>
  );
}

function RunList({ runs, now, showError = false }: { runs: RunWithJob[]; now: number; showError?: boolean }) {
  return (
    <ul className="divide-y divide-line">
      {runs.map((run) => {
        const kind = visualKindOf("job", run.job.kind);
        const duration = durationBetween(run.startedAt, run.endedAt);
        return (
          <li key={run.id} className="px-4 py-3" data-testid="run-row">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span style={{ color: kindColour(kind) }}>
                <NodeIcon kind={kind} size={16} />
              </span>
              <Link href={lineageHref(run.job.id)} className="font-medium text-ink hover:text-accent hover:underline">
                {run.job.name}
              </Link>
              <Badge tone={runStateTone(run.state)}>{run.state.toLowerCase()}</Badge>
              <span className="text-xs text-ink-muted">
                <RelativeTime iso={run.startedAt ?? run.endedAt} now={now} />
                {duration !== null ? ` · took ${formatDuration(duration)}` : ""}
              </span>
              <Link
                href={lineageHref(run.id)}
                className="ml-auto text-xs font-medium text-accent hover:underline"
                aria-label={`Open the lineage of run ${shortRunId(run.runId)} of ${run.job.name}`}
              >
                Run {shortRunId(run.runId)} →
              </Link>
            </div>
            {run.reason ? <p className="mt-1 text-sm text-ink-muted">Why: {run.reason}</p> : null}
            {showError && run.errorMessage ? (
              <p className="mt-1 line-clamp-2 break-words font-mono text-xs text-danger">{run.errorMessage}</p>
            ) : null}
            <p className="mt-0.5 text-xs text-ink-faint">{run.job.namespace}</p>
          </li>
        );
      })}
    </ul>
  );
}

function EmptyStore() {
  return (
    <Card data-testid="empty-store">
      <EmptyState
        title="The lineage store is empty"
        icon={
          <svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
            <ellipse cx="12" cy="5" rx="8" ry="3" />
            <path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5" />
          </svg>
        }
      >
        <div className="space-y-4 text-left">
          <p>Threadline learns lineage from OpenLineage events. Send some in one of these ways:</p>
          <div>
            <p className="mb-1 font-medium text-ink">Over HTTP, from your pipeline or an OpenLineage client</p>
            <pre className="overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-xs text-ink">{`curl -X POST http://localhost:3000/api/v1/lineage \\
  -H 'content-type: application/json' \\
  -d @run-event.json`}</pre>
          </div>
          <div>
            <p className="mb-1 font-medium text-ink">From a file of events</p>
            <pre className="overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-xs text-ink">npm run ingest -- events.ndjson</pre>
          </div>
          <div>
            <p className="mb-1 font-medium text-ink">Or load the demo (a drug-discovery team’s pipeline)</p>
            <pre className="overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-xs text-ink">npm run db:seed</pre>
          </div>
        </div>
      </EmptyState>
    </Card>
  );
}
