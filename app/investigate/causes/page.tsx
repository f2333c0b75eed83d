import type { Metadata } from "next";
import Link from "next/link";
import { getStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { getCauses } from "@/lib/server/investigate";
import { listFailureScopes } from "@/lib/server/causes-scopes";
import type { CausesView } from "@/lib/lineage/investigate-view";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";
import { CausesTable } from "@/components/investigate/causes-table";
import { FailureScopeList } from "@/components/investigate/failure-scope-list";
import { lineageHref } from "@/lib/lineage/url-state";
import { requirePageReader } from "@/lib/server/auth-context";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

/** Reads the causes of `node`'s job or dataset, or the reason there are none to show. */
async function readCauses(node: string): Promise<{ causes: CausesView } | { problem: string }> {
  try {
    return { causes: await getCauses(getStore(), node, 25) };
  } catch (error) {
    if (error instanceof AppError && (error.status === 404 || error.status === 400)) return { problem: error.message };
    throw error;
  }
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  // Private reads: the scope's name is store data too, so the title waits for a reader as the page does.
  await requirePageReader(getStore());
  const node = first((await searchParams).node);
  if (!node) return { title: "Common causes" };
  const read = await readCauses(node);
  return { title: "causes" in read ? `Common causes · ${read.causes.scope.label}` : "Common causes" };
}

/**
 * Common causes of one job's or one output family's failures: the upstream factors (checkpoints,
 * prompt versions, parameters, inputs) that sit behind failed outputs more often than behind passing
 * ones. Reached from /investigate, from a job's or dataset's side panel, and from an investigation.
 */
export default async function CausesPage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const node = first((await searchParams).node);
  const scopes = await listFailureScopes(getStore(), 40);
  const read = node ? await readCauses(node) : null;
  const scopeId = read && "causes" in read ? read.causes.scope.id : undefined;

  return (
    <div className="mx-auto w-full max-w-5xl space-y-4 px-4 py-8 sm:px-6">
      <div>
        <p className="text-xs font-medium text-ink-muted">
          <Link href="/investigate" className="hover:text-accent">Investigate</Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Common causes{read && "causes" in read ? <span className="text-ink-muted"> · {read.causes.scope.label}</span> : null}</h1>
        <p className="mt-1 text-sm text-ink-muted">
          Pick a job or an output family: Threadline contrasts its failed outputs with its passing ones and ranks what sits upstream of the failures more often.
        </p>
      </div>
      <form method="get" action="/investigate/causes" className="flex flex-wrap items-end gap-2" data-testid="causes-picker">
        <label className="min-w-0 flex-1 text-sm font-medium text-ink">
          Job or output family
          <select name="node" defaultValue={scopeId ?? ""} className="mt-1 block h-9 w-full rounded-md border border-line bg-surface px-2 text-sm" data-testid="causes-scope-select">
            <option value="" disabled>
              Choose one with failures…
            </option>
            {(["dataset", "job"] as const).map((type) => (
              <optgroup key={type} label={type === "job" ? "Jobs" : "Output families (datasets)"}>
                {scopes
                  .filter((scope) => scope.type === type)
                  .map((scope) => (
                    <option key={scope.id} value={scope.id}>
                      {scope.name} ({scope.failed} of {scope.total} failed)
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClasses("primary")} data-testid="causes-submit">
          Show common causes
        </button>
      </form>

      {read && "problem" in read ? (
        <EmptyState title="No common causes here" action={<Link href="/investigate/causes" className={buttonClasses("secondary")}>Choose another</Link>}>
          <span data-testid="causes-problem">{read.problem}</span>
        </EmptyState>
      ) : null}
      {read && "causes" in read ? (
        <>
          <p className="flex flex-wrap gap-3 text-sm">
            <Link href={lineageHref(read.causes.scope.id)} className="font-medium text-accent hover:underline">
              Open {read.causes.scope.label} in the explorer
            </Link>
          </p>
          <CausesTable causes={read.causes} limit={25} />
        </>
      ) : null}
      {!node ? (
        <Card aria-labelledby="scopes-heading">
          <CardHeader title={<span id="scopes-heading">Jobs and output families with failures</span>} description="Most failures first." />
          {scopes.length === 0 ? (
            <EmptyState compact title="Nothing has failed">No run failed and no evaluation reported a failing check.</EmptyState>
          ) : (
            <FailureScopeList scopes={scopes} />
          )}
        </Card>
      ) : null}
    </div>
  );
}
