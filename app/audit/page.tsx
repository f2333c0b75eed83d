import type { Metadata } from "next";
import Link from "next/link";
import { listAuditEvents, listSenders, withoutSenders } from "@/lib/server/audit";
import { ANONYMOUS, canSeeSenders } from "@/lib/server/auth";
import { requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";
import { AppError, type ErrorDetail } from "@/lib/server/errors";
import type { Queryable } from "@/lib/server/store/types";
import { verifyStoreInSlices } from "@/lib/server/verification";
import { AuditQuerySchema, searchParamsToObject, type AuditPage } from "@/lib/schemas/audit";
import { AuditEventList } from "@/components/audit/audit-event-list";
import { AuditFilters } from "@/components/audit/audit-filters";
import { FullCheckButton } from "@/components/audit/full-check-button";
import { VerificationStatus } from "@/components/audit/verification-status";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Audit log" };

// The log and its verification are read live on every request.
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The page of the log the address asks for, or what is wrong with its filters (field and reason). */
async function readPage(store: Queryable, raw: Record<string, string>): Promise<{ page: AuditPage | null; problems: ErrorDetail[] | null }> {
  const parsed = AuditQuerySchema.safeParse(raw);
  if (!parsed.success) return { page: null, problems: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })) };
  try {
    return { page: await listAuditEvents(store, parsed.data), problems: null };
  } catch (error) {
    // A job or dataset name that fits no node, or several: said beside the form, like a malformed date.
    if (error instanceof AppError && error.code === "bad_request" && error.details.length > 0) return { page: null, problems: error.details };
    throw error;
  }
}

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const store = getStore();
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  const reader = await requirePageReader(store);
  const showSenders = await canSeeSenders(reader ?? ANONYMOUS, store);
  const raw = searchParamsToObject(await searchParams);
  // An anonymous reader neither sees senders nor filters by them (one guess at a time would tell).
  if (!showSenders) delete raw.sender;
  const verification = await verifyStoreInSlices(store);
  const { page: listed, problems } = await readPage(store, raw);
  const page = listed && !showSenders ? withoutSenders(listed) : listed;
  const senders = showSenders ? await listSenders(store) : null;

  const pageHref = (cursor: Record<string, number>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(raw)) if (v && k !== "before" && k !== "after") params.set(k, v);
    for (const [k, v] of Object.entries(cursor)) params.set(k, String(v));
    return `/audit?${params.toString()}`;
  };

  return (
    <div className="mx-auto w-full max-w-7xl space-y-5 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Audit log</h1>
        <p className="mt-1 max-w-3xl text-sm text-ink-muted">
          Every OpenLineage event Threadline has recorded, newest first, exactly as it was hashed into the chain. Each record names who sent
          it, when, its chain hash and the nodes it touched. Nothing here can be edited; any change made to the database behind
          Threadline&apos;s back shows up below.
        </p>
      </div>

      <VerificationStatus verification={verification} />
      {/* A full pass on demand is for admins (POST /api/v1/audit/verify); everyone sees its result above. */}
      {reader?.isAdmin ? <FullCheckButton /> : null}

      {/* Keyed by the address: back and forward land on a page whose form shows that page's filters. */}
      <AuditFilters key={new URLSearchParams(raw).toString()} values={raw} senders={senders} />

      {problems ? (
        <div role="alert" className="rounded-lg border border-danger/40 bg-danger-soft px-4 py-3 text-sm text-ink" data-testid="audit-filter-error">
          <p className="font-semibold">These filters cannot be applied:</p>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((problem) => (
              <li key={`${problem.path}:${problem.message}`}>
                <strong>{problem.path || "query"}</strong>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : page && page.events.length === 0 ? (
        <div className="rounded-lg border border-line bg-surface shadow-card">
          <EmptyState title="No events match" action={<Link href="/audit" className={buttonClasses("secondary")}>Show the whole log</Link>}>
            <p>Nothing in the log matches these filters. Widen the time range or clear a filter.</p>
          </EmptyState>
        </div>
      ) : page ? (
        <>
          <AuditEventList events={page.events} />
          <nav aria-label="Pages of the audit log" className="flex items-center justify-between gap-3 text-sm">
            <span className="text-ink-muted" data-testid="audit-range">
              Events #{page.events[0].seq} to #{page.events[page.events.length - 1].seq}
            </span>
            <span className="flex gap-2">
              {page.prevAfter !== null ? (
                <>
                  <Link href={pageHref({})} className={buttonClasses("ghost", "sm")}>
                    Newest
                  </Link>
                  <Link href={pageHref({ after: page.prevAfter })} className={buttonClasses("secondary", "sm")} rel="prev" data-testid="audit-newer">
                    ← Newer
                  </Link>
                </>
              ) : null}
              {page.nextBefore !== null ? (
                <Link href={pageHref({ before: page.nextBefore })} className={buttonClasses("secondary", "sm")} rel="next" data-testid="audit-older">
                  Older →
                </Link>
              ) : null}
            </span>
          </nav>
        </>
      ) : null}
    </div>
  );
}
