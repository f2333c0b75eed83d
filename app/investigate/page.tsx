import type { Metadata } from "next";
import Link from "next/link";
import { getStore } from "@/lib/server/db";
import { listFailureScopes } from "@/lib/server/causes-scopes";
import { AppError } from "@/lib/server/errors";
import { getCauses, getInvestigation, listFailedOutputs } from "@/lib/server/investigate";
import { resolveAsOf } from "@/lib/server/investigate-asof";
import type { CausesView, Investigation } from "@/lib/lineage/investigate-view";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { InvestigateView } from "@/components/investigate/investigate-view";
import { investigateHref } from "@/components/investigate/investigate-href";
import { FailureScopeList } from "@/components/investigate/failure-scope-list";
import { requirePageReader } from "@/lib/server/auth-context";

/** Places to look for common causes shown on the landing page; the rest are on /investigate/causes. */
const LANDING_SCOPES = 6;

export const metadata: Metadata = { title: "Investigate" };
// An investigation reads the live store (flags, comparisons) on every request.
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export default async function InvestigatePage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const params = await searchParams;
  const node = first(params.node);
  const db = getStore();
  if (!node) return <Landing />;

  let investigation: Investigation;
  try {
    investigation = await getInvestigation(db, node, { compare: first(params.compare), asOf: await resolveAsOf(db, first(params.asOf)) });
  } catch (error) {
    if (error instanceof AppError && (error.status === 404 || error.status === 400)) {
      return (
        <div className="mx-auto w-full max-w-3xl px-4 py-10">
          <EmptyState title={error.status === 404 ? "Nothing to investigate here" : "That address is not quite right"} action={<Link href="/investigate" className="text-sm font-medium text-accent hover:underline">Choose a failed output</Link>}>
            <span data-testid="investigate-error">{error.message}</span>
          </EmptyState>
        </div>
      );
    }
    throw error;
  }
  let causes: CausesView | null = null;
  if (investigation.causesScope) {
    try {
      causes = await getCauses(db, investigation.causesScope.id, 25);
    } catch {
      causes = null;
    }
  }
  return <InvestigateView investigation={investigation} causes={causes} />;
}

/** Without a node: the failed outputs to start from, newest first. */
async function Landing() {
  const failed = await listFailedOutputs(getStore(), 40);
  const scopes = await listFailureScopes(getStore(), LANDING_SCOPES + 1);
  const now = Date.now();
  return (
    <div className="mx-auto w-full max-w-4xl space-y-4 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Investigate</h1>
        <p className="mt-1 text-sm text-ink-muted">
          Pick a failed output: see exactly what made it, what differs from a good one, and what else a flag touches.{" "}
          <Link href="/investigate/flags" className="font-medium text-accent hover:underline">All flags</Link>
        </p>
      </div>
      <Card aria-labelledby="common-causes-heading" data-testid="common-causes-entry">
        <CardHeader
          title={<span id="common-causes-heading">Common causes</span>}
          description="What failed outputs share that passing ones do not: pick a job or an output family."
          action={
            <Link href="/investigate/causes" className="shrink-0 text-xs font-medium text-accent hover:underline" data-testid="all-failure-scopes">
              All jobs and outputs →
            </Link>
          }
        />
        {scopes.length === 0 ? (
          <EmptyState compact title="Nothing has failed">No run failed and no evaluation reported a failing check.</EmptyState>
        ) : (
          <FailureScopeList scopes={scopes.slice(0, LANDING_SCOPES)} />
        )}
      </Card>
      <Card aria-labelledby="failed-outputs-heading" data-testid="failed-outputs">
        <CardHeader title={<span id="failed-outputs-heading">Failed outputs and runs</span>} description="Newest first." />
        {failed.length === 0 ? (
          <EmptyState compact title="Nothing has failed">No run failed and no evaluation reported a failing check.</EmptyState>
        ) : (
          <ul className="divide-y divide-line">
            {failed.map((f) => (
              <li key={f.id}>
                <Link href={investigateHref(f.id)} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2.5 hover:bg-surface-muted" data-testid="failed-output-link">
                  <span className="min-w-0">
                    <span className="break-all font-medium text-ink">{f.label}</span>
                    {f.reason ? <span className="block truncate text-xs text-ink-muted">{f.reason}</span> : null}
                  </span>
                  <RelativeTime iso={f.time} now={now} className="shrink-0 text-xs text-ink-muted" />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
