import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getAuditEventDetail, withoutPayload } from "@/lib/server/audit";
import { ANONYMOUS, canSeeSenders } from "@/lib/server/auth";
import { requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { verifyStoreInSlices } from "@/lib/server/verification";
import { SeqParamSchema } from "@/lib/schemas/query";
import { chainStatusAt, EventHashes, EventPayload, EventSummary, TouchedNodes } from "@/components/audit/audit-event-detail";
import { Card, CardHeader } from "@/components/ui/card";
import { buttonClasses } from "@/components/ui/button";

// A record and the chain's check are read live on every request.
export const dynamic = "force-dynamic";

type Params = Promise<{ seq: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { seq } = await params;
  return { title: `Event #${seq} · Audit log` };
}

/** One record of the audit log: its payload readable, its hashes and place in the chain, what it touched. */
export default async function AuditEventPage({ params }: { params: Params }) {
  const store = getStore();
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  const reader = await requirePageReader(store);
  const parsed = SeqParamSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const { seq } = parsed.data;
  const detail = await getAuditEventDetail(store, seq).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  // An anonymous reader of a protected server sees neither who sent a record nor its payload (as the API answers).
  const showPayload = await canSeeSenders(reader ?? ANONYMOUS, store);
  const event = showPayload ? detail.event : withoutPayload(detail.event);
  const verification = await verifyStoreInSlices(store);
  const status = chainStatusAt(verification.chain, verification.head, seq);
  const job = event.nodes.find((n) => n.type === "job");

  return (
    <div className="mx-auto w-full max-w-5xl space-y-5 px-4 py-8 sm:px-6">
      <nav aria-label="Records of the log" className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <Link href={`/audit?before=${seq + 1}`} className="text-accent hover:underline" data-testid="back-to-log">
          ← Audit log
        </Link>
        <span className="flex gap-2">
          {detail.previousSeq !== null ? (
            <Link href={`/audit/events/${detail.previousSeq}`} className={buttonClasses("secondary", "sm")} rel="prev" data-testid="event-previous">
              ← #{detail.previousSeq}
            </Link>
          ) : null}
          {detail.nextSeq !== null ? (
            <Link href={`/audit/events/${detail.nextSeq}`} className={buttonClasses("secondary", "sm")} rel="next" data-testid="event-next">
              #{detail.nextSeq} →
            </Link>
          ) : null}
        </span>
      </nav>

      <div className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight text-ink">
          Event #{seq}
          {job ? <span className="font-normal text-ink-muted"> · {job.name}</span> : null}
        </h1>
        <EventSummary event={event} />
      </div>

      <Card data-testid="event-payload">
        <CardHeader
          title="Payload"
          description="The OpenLineage event as the chain hashed it, laid out: links open the explorer, facets unfold."
          action={
            showPayload ? (
              <a href={`/api/v1/audit/events/${seq}`} className={buttonClasses("ghost", "sm")} data-testid="raw-json">
                Raw JSON
              </a>
            ) : null
          }
        />
        {showPayload ? (
          <EventPayload event={event} payload={event.payload} />
        ) : (
          <p className="px-4 py-3 text-sm text-ink-muted" data-testid="payload-hidden">
            The payload and who sent it are shown to people signed in. The hashes below still prove this record is the one the log holds.
          </p>
        )}
      </Card>

      <EventHashes event={event} checks={detail.checks} previousSeq={detail.previousSeq} status={status} />

      <TouchedNodes nodes={event.nodes} />
    </div>
  );
}
