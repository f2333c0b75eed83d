import Link from "next/link";
import type { AuditEvent, TouchedNode } from "@/lib/schemas/audit";
import { lineageHref } from "@/lib/lineage/url-state";
import { NodeIcon, kindColour, visualKindOf } from "@/components/lineage/node-icon";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatDateTime, shortRunId } from "@/components/format";
import { CopyButton } from "./copy-button";

const TYPE_TONE: Record<string, BadgeTone> = {
  START: "info",
  RUNNING: "info",
  COMPLETE: "success",
  FAIL: "danger",
  ABORT: "warning",
  OTHER: "neutral",
};

/** How many touched nodes a row shows before folding the rest. */
const NODES_SHOWN = 6;

export function eventLabel(e: AuditEvent): { text: string; tone: BadgeTone } {
  if (e.kind === "DatasetEvent") return { text: "Dataset event", tone: "neutral" };
  if (e.kind === "JobEvent") return { text: "Job event", tone: "neutral" };
  return { text: e.eventType ?? "Run event", tone: TYPE_TONE[e.eventType ?? ""] ?? "neutral" };
}

/** The producer URI, readable: host and the end of the path; the full URI on hover. */
function shortProducer(producer: string): string {
  try {
    const url = new URL(producer);
    const tail = url.pathname.split("/").filter(Boolean).slice(-2).join("/");
    return tail ? `${url.host}/…/${tail}` : url.host;
  } catch {
    return producer.length > 48 ? `${producer.slice(0, 45)}…` : producer;
  }
}

function nodeLabel(n: TouchedNode): string {
  if (n.type === "run") return `${n.name} run`;
  if (n.type === "datasetVersion" && n.version) return `${n.name}@${n.version}`;
  return n.name;
}

export function NodeChip({ node }: { node: TouchedNode }) {
  const kind = visualKindOf(node.type, node.kind);
  return (
    <Link
      href={lineageHref(node.id)}
      // A page of the log links hundreds of nodes: fetch a node's view when it is clicked, not before.
      prefetch={false}
      className="inline-flex max-w-full items-center gap-1 rounded border border-line bg-surface px-1.5 py-0.5 text-xs text-ink hover:border-accent hover:text-accent"
      title={`${node.id} — open in the explorer`}
      data-testid="touched-node"
      data-node-id={node.id}
    >
      <span style={{ color: kindColour(kind) }} className="shrink-0">
        <NodeIcon kind={kind} size={12} />
      </span>
      <span className="truncate">{nodeLabel(node)}</span>
    </Link>
  );
}

/** The log, one row per event: what, who, when, its hash and the nodes it touched. */
export function AuditEventList({ events }: { events: AuditEvent[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-surface shadow-card">
      <table className="w-full min-w-[60rem] table-fixed border-collapse text-left text-sm" data-testid="audit-events">
        <caption className="sr-only">Events of the log, newest first</caption>
        <colgroup>
          <col className="w-[4.5rem]" />
          <col className="w-[13rem]" />
          <col />
          <col className="w-[13rem]" />
          <col className="w-[9.5rem]" />
          <col className="w-[11.5rem]" />
        </colgroup>
        <thead className="border-b border-line bg-surface-muted text-xs font-medium uppercase tracking-wide text-ink-muted">
          <tr>
            <th scope="col" className="px-3 py-2">#</th>
            <th scope="col" className="px-3 py-2">Event</th>
            <th scope="col" className="px-3 py-2">Touched</th>
            <th scope="col" className="px-3 py-2">Sent by</th>
            <th scope="col" className="px-3 py-2">Time (UTC)</th>
            <th scope="col" className="px-3 py-2">Hash</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const label = eventLabel(e);
            const job = e.nodes.find((n) => n.type === "job");
            const others = e.nodes.filter((n) => n.type !== "job");
            return (
              <tr key={e.seq} className="border-b border-line align-top last:border-b-0" data-testid="audit-event" data-seq={e.seq}>
                <td className="whitespace-nowrap px-3 py-2.5">
                  <Link
                    href={`/audit/events/${e.seq}`}
                    prefetch={false}
                    className="font-mono text-sm font-semibold text-ink hover:text-accent"
                    title="The record: its payload, hashes and place in the chain"
                    data-testid="event-link"
                  >
                    #{e.seq}
                  </Link>
                </td>
                <td className="px-3 py-2.5">
                  <div className="flex flex-col items-start gap-1">
                    <Badge tone={label.tone}>{label.text}</Badge>
                    {job ? (
                      <Link href={lineageHref(job.id)} prefetch={false} className="max-w-full truncate font-medium text-ink hover:text-accent" title={job.id}>
                        {job.name}
                      </Link>
                    ) : null}
                    {e.runId ? (
                      <span className="font-mono text-xs text-ink-muted" title={e.runId}>
                        run {shortRunId(e.runId)}
                      </span>
                    ) : null}
                  </div>
                </td>
                <td className="px-3 py-2.5">
                  <div className="flex flex-wrap gap-1">
                    {others.slice(0, NODES_SHOWN).map((n) => (
                      <NodeChip key={n.id} node={n} />
                    ))}
                  </div>
                  {others.length > NODES_SHOWN ? (
                    <details className="mt-1 text-xs text-ink-muted">
                      <summary className="cursor-pointer">{others.length - NODES_SHOWN} more</summary>
                      <div className="mt-1 flex flex-wrap gap-1">
                        {others.slice(NODES_SHOWN).map((n) => (
                          <NodeChip key={n.id} node={n} />
                        ))}
                      </div>
                    </details>
                  ) : null}
                </td>
                <td className="px-3 py-2.5">
                  {e.sender === null ? (
                    <p className="truncate text-ink-faint" data-testid="event-sender" title="Who sent each event is shown to people signed in">
                      sender hidden
                    </p>
                  ) : (
                    <p className="truncate font-medium text-ink" data-testid="event-sender">{e.sender}</p>
                  )}
                  {e.producer ? (
                    <p className="truncate text-xs text-ink-muted" title={e.producer}>
                      via {shortProducer(e.producer)}
                    </p>
                  ) : (
                    <p className="text-xs text-ink-faint">no producer named</p>
                  )}
                </td>
                <td className="whitespace-nowrap px-3 py-2.5 text-xs">
                  <p className="text-ink" title={e.eventTime}>
                    {formatDateTime(e.eventTime).replace(" UTC", "")}
                  </p>
                  <p className="text-ink-muted" title={`Received ${e.receivedAt}`}>
                    recv. {formatDateTime(e.receivedAt).replace(" UTC", "")}
                  </p>
                </td>
                <td className="whitespace-nowrap px-3 py-2.5">
                  <div className="flex items-center gap-1.5">
                    <code className="font-mono text-xs text-ink" title={e.hash} data-testid="event-hash">
                      {e.hash.slice(0, 12)}…
                    </code>
                    <CopyButton value={e.hash} label={`Copy the hash of event #${e.seq}`} />
                  </div>
                  <p className="mt-0.5 font-mono text-[11px] text-ink-faint" title={`Previous hash ${e.prevHash}`}>
                    prev {e.prevHash.slice(0, 8)}…
                  </p>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
