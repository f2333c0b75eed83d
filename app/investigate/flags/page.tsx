import type { Metadata } from "next";
import Link from "next/link";
import { getStore } from "@/lib/server/db";
import { listFlags } from "@/lib/server/flags";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/format";
import { requirePageReader } from "@/lib/server/auth-context";

export const metadata: Metadata = { title: "Flags" };
export const dynamic = "force-dynamic";

/** Every flag, newest first, removed ones included (a removal is recorded, never a deletion). */
export default async function FlagsPage() {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const flags = await listFlags(getStore(), { includeRemoved: true });
  return (
    <div className="mx-auto w-full max-w-5xl space-y-4 px-4 py-8 sm:px-6">
      <div>
        <p className="text-xs font-medium text-ink-muted"><Link href="/investigate" className="hover:text-accent">Investigate</Link></p>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Flags</h1>
        <p className="mt-1 text-sm text-ink-muted">Flags on dataset versions spread to everything downstream. Open one to see what it touched.</p>
      </div>
      <Card aria-labelledby="flags-list-heading">
        <CardHeader title={<span id="flags-list-heading">All flags</span>} description={`${flags.length} recorded`} />
        {flags.length === 0 ? (
          <EmptyState compact title="No flags yet">Flag a dataset version from the investigate view or the explorer&apos;s side panel.</EmptyState>
        ) : (
          <ul className="divide-y divide-line" data-testid="flags-list">
            {flags.map((f) => (
              <li key={f.flagId}>
                <Link href={`/investigate/flags/${encodeURIComponent(f.flagId)}`} className="flex flex-wrap items-center gap-2 px-4 py-2.5 hover:bg-surface-muted">
                  <Badge tone={f.isActive ? "warning" : "neutral"}>{f.kind}</Badge>
                  <span className="font-medium text-ink">{f.nodeLabel}</span>
                  <span className="min-w-0 flex-1 truncate text-sm text-ink-muted">{f.reason}</span>
                  <span className="text-xs text-ink-muted">{f.isActive ? `by ${f.by}, ${formatDateTime(f.createdAt)}` : `removed ${formatDateTime(f.removedAt)}`}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
