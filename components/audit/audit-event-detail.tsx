import Link from "next/link";
import type { ReactNode } from "react";
import type { AuditEvent, AuditVerification, TouchedNode } from "@/lib/schemas/audit";
import { nodeId } from "@/lib/lineage/node-id";
import { lineageHref } from "@/lib/lineage/url-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatDateTime } from "@/components/format";
import { eventLabel, NodeChip } from "./audit-event-list";
import { CopyButton } from "./copy-button";

/** What a record's own bytes prove (lib/server/audit.ts getAuditEventDetail). */
export interface RecordChecks {
  contentHashHolds: boolean;
  chainHashHolds: boolean;
  linkHolds: boolean;
}

/**
 * Where the verified chain stands for one record: the whole-log check (the same one /audit shows)
 * read at this record's position.
 */
export function chainStatusAt(chain: AuditVerification["chain"], head: AuditVerification["head"], seq: number): { tone: "success" | "danger" | "warning"; text: string } {
  const broken = chain.firstBroken;
  if (broken && broken.seq < seq) return { tone: "danger", text: `The chain is broken before this record, at #${broken.seq} (${broken.reason}): nothing from there on can be trusted through the chain.` };
  if (broken && broken.seq === seq) return { tone: "danger", text: `This record breaks the chain: ${broken.reason}.` };
  if (!head || head.seq < seq) return { tone: "warning", text: "This record arrived after the last check of the chain; reload to check it." };
  if (broken) return { tone: "success", text: `The chain verifies from the first record up to this one (it breaks later, at #${broken.seq}).` };
  return { tone: "success", text: `The chain verifies from the first record up to this one, and on to the head (#${head.seq}).` };
}

// --- reading an OpenLineage payload without trusting its shape (it is shown as it was stored) ---

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const objectAt = (v: unknown, key: string): Json | null => (isObject(v) && isObject(v[key]) ? (v[key] as Json) : null);

interface NamedPart {
  namespace: string;
  name: string;
  /** Facet groups by the name OpenLineage gives them (facets, inputFacets, outputFacets). */
  facetGroups: [string, Json][];
}

function namedPart(v: unknown, groups: string[]): NamedPart | null {
  if (!isObject(v)) return null;
  const namespace = text(v.namespace);
  const name = text(v.name);
  if (namespace === null || name === null) return null;
  return { namespace, name, facetGroups: groups.flatMap((g) => (isObject(v[g]) && Object.keys(v[g] as Json).length > 0 ? [[g, v[g] as Json] as [string, Json]] : [])) };
}

const partsOf = (v: unknown, groups: string[]): NamedPart[] => (Array.isArray(v) ? v.flatMap((item) => namedPart(item, groups) ?? []) : []);

const FACET_GROUP_LABEL: Record<string, string> = { facets: "facets", inputFacets: "input facets", outputFacets: "output facets" };

/** One facet per row, folded: its name in view, its JSON a click away. */
function Facets({ groups, testId }: { groups: [string, Json][]; testId?: string }) {
  if (groups.length === 0) return <p className="text-xs text-ink-faint">no facets</p>;
  return (
    <div className="space-y-1" data-testid={testId}>
      {groups.flatMap(([group, facets]) =>
        Object.entries(facets).map(([name, value]) => (
          <details key={`${group}:${name}`} className="rounded border border-line bg-surface-muted/60 text-xs" data-testid="facet">
            <summary className="cursor-pointer px-2 py-1 font-mono text-ink">
              {name} <span className="font-sans text-ink-faint">· {FACET_GROUP_LABEL[group] ?? group}</span>
            </summary>
            <pre className="max-h-96 overflow-auto border-t border-line px-2 py-1.5 font-mono text-[11px] leading-relaxed text-ink">{JSON.stringify(value, null, 2)}</pre>
          </details>
        )),
      )}
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-[9rem_1fr] sm:gap-3">
      <dt className="text-xs font-medium text-ink-muted">{label}</dt>
      <dd className="min-w-0 text-sm text-ink">{children}</dd>
    </div>
  );
}

/** A dataset of the payload, linked into the explorer, with the version the event made of it when it made one. */
function DatasetPart({ part, touched }: { part: NamedPart; touched: TouchedNode[] }) {
  const versions = touched.filter((n) => n.type === "datasetVersion" && n.namespace === part.namespace && n.name === part.name);
  return (
    <li className="rounded-md border border-line px-3 py-2" data-testid="payload-dataset">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <Link href={lineageHref(nodeId.dataset(part.namespace, part.name))} prefetch={false} className="font-medium text-accent hover:underline" data-testid="payload-dataset-link">
          {part.name}
        </Link>
        <span className="text-xs text-ink-muted">{part.namespace}</span>
        {versions.map((v) => (
          <Link key={v.id} href={lineageHref(v.id)} prefetch={false} className="font-mono text-xs text-accent hover:underline">
            version {v.version}
          </Link>
        ))}
      </div>
      <div className="mt-1.5">
        <Facets groups={part.facetGroups} />
      </div>
    </li>
  );
}

function DatasetList({ title, parts, touched, testId }: { title: string; parts: NamedPart[]; touched: TouchedNode[]; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-ink-muted">
        {title} <span className="font-normal normal-case tracking-normal text-ink-faint">({parts.length})</span>
      </h3>
      {parts.length === 0 ? (
        <p className="text-xs text-ink-faint">none</p>
      ) : (
        <ul className="space-y-1.5">
          {parts.map((part) => (
            <DatasetPart key={`${part.namespace}:${part.name}`} part={part} touched={touched} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** The payload as a reader wants it: run, job, inputs and outputs linked into the explorer, facets folded. */
export function EventPayload({ event, payload }: { event: AuditEvent; payload: unknown }) {
  if (!isObject(payload)) {
    return (
      <CardBody>
        <p className="text-sm text-ink-muted">The stored payload is not a JSON object (the chain check names the record if it was altered):</p>
        <pre className="mt-2 overflow-auto font-mono text-xs text-ink">{String(payload)}</pre>
      </CardBody>
    );
  }
  const run = objectAt(payload, "run");
  const runId = text(run?.runId);
  const job = namedPart(payload.job, ["facets"]);
  const dataset = namedPart(payload.dataset, ["facets"]);
  const inputs = partsOf(payload.inputs, ["facets", "inputFacets"]);
  const outputs = partsOf(payload.outputs, ["facets", "outputFacets"]);
  const runFacets = objectAt(run, "facets");
  return (
    <CardBody className="space-y-4">
      <dl className="divide-y divide-line">
        {runId ? (
          <Row label="Run">
            <Link href={lineageHref(nodeId.run(runId))} prefetch={false} className="font-mono text-sm text-accent hover:underline" data-testid="payload-run">
              {runId}
            </Link>
            <div className="mt-1.5">
              <Facets groups={runFacets && Object.keys(runFacets).length > 0 ? [["facets", runFacets]] : []} testId="run-facets" />
            </div>
          </Row>
        ) : null}
        {job ? (
          <Row label="Job">
            <Link href={lineageHref(nodeId.job(job.namespace, job.name))} prefetch={false} className="font-medium text-accent hover:underline" data-testid="payload-job">
              {job.name}
            </Link>{" "}
            <span className="text-xs text-ink-muted">{job.namespace}</span>
            <div className="mt-1.5">
              <Facets groups={job.facetGroups} />
            </div>
          </Row>
        ) : null}
        {dataset ? (
          <Row label="Dataset">
            <ul>
              <DatasetPart part={dataset} touched={event.nodes} />
            </ul>
          </Row>
        ) : null}
        <Row label="Event time">
          <span title={text(payload.eventTime) ?? undefined}>{formatDateTime(text(payload.eventTime) ?? event.eventTime)}</span>
        </Row>
        <Row label="Producer">
          {text(payload.producer) ? <span className="break-all font-mono text-xs">{text(payload.producer)}</span> : <span className="text-ink-faint">not named</span>}
        </Row>
        {text(payload.schemaURL) ? (
          <Row label="Schema">
            <span className="break-all font-mono text-xs">{text(payload.schemaURL)}</span>
          </Row>
        ) : null}
      </dl>
      {dataset ? null : (
        <div className="grid gap-4 lg:grid-cols-2">
          <DatasetList title="Inputs" parts={inputs} touched={event.nodes} testId="payload-inputs" />
          <DatasetList title="Outputs" parts={outputs} touched={event.nodes} testId="payload-outputs" />
        </div>
      )}
    </CardBody>
  );
}

function Check({ holds, children }: { holds: boolean; children: ReactNode }) {
  return (
    <li className="flex items-start gap-2" data-testid="record-check" data-holds={holds}>
      <span aria-hidden="true" className={holds ? "text-success" : "text-danger"}>
        {holds ? "✓" : "✗"}
      </span>
      <span className={holds ? "text-ink" : "font-medium text-danger"}>{children}</span>
    </li>
  );
}

function HashRow({ label, value, testId, children }: { label: string; value: string; testId: string; children?: ReactNode }) {
  return (
    <Row label={label}>
      <span className="flex items-start gap-1.5">
        <code className="break-all font-mono text-xs" data-testid={testId}>
          {value}
        </code>
        <CopyButton value={value} label={`Copy the ${label.toLowerCase()}`} />
      </span>
      {children}
    </Row>
  );
}

/** The record's place in the chain: its hashes, what they prove on their own, and the whole chain's check. */
export function EventHashes({
  event,
  checks,
  previousSeq,
  status,
}: {
  event: AuditEvent;
  checks: RecordChecks;
  previousSeq: number | null;
  status: ReturnType<typeof chainStatusAt>;
}) {
  return (
    <Card data-testid="event-hashes">
      <CardHeader title="In the hash chain" description="hash = sha256(previous hash + canonical payload); each record names the hash of the one before it." />
      <CardBody>
        <p
          className={`rounded-md border px-3 py-2 text-sm ${status.tone === "success" ? "border-success/40 bg-success-soft" : status.tone === "danger" ? "border-danger/40 bg-danger-soft" : "border-warning/40 bg-warning-soft"} text-ink`}
          data-testid="chain-status"
          data-tone={status.tone}
        >
          {status.text}
        </p>
        <dl className="mt-2 divide-y divide-line">
          <Row label="Position">
            record #{event.seq}
            {previousSeq === null ? " (the first: its previous hash is the genesis hash)" : null}
          </Row>
          <HashRow label="Chain hash" value={event.hash} testId="detail-hash" />
          <HashRow label="Previous hash" value={event.prevHash} testId="detail-prev-hash">
            {previousSeq !== null ? (
              <Link href={`/audit/events/${previousSeq}`} className="text-xs text-accent hover:underline">
                the hash of #{previousSeq}
              </Link>
            ) : null}
          </HashRow>
          <HashRow label="Content hash" value={event.contentHash} testId="detail-content-hash" />
        </dl>
        <ul className="mt-3 space-y-1 text-sm" aria-label="What this record's bytes prove">
          <Check holds={checks.contentHashHolds}>The stored payload hashes to its content hash</Check>
          <Check holds={checks.chainHashHolds}>Previous hash and payload hash to its chain hash</Check>
          <Check holds={checks.linkHolds}>{previousSeq === null ? "Its previous hash is the genesis hash" : `Its previous hash is the chain hash of #${previousSeq}`}</Check>
        </ul>
      </CardBody>
    </Card>
  );
}

/** The heading line of a record: what kind of event, about which job, who sent it, when. */
export function EventSummary({ event }: { event: AuditEvent }) {
  const label = eventLabel(event);
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-ink-muted">
      <Badge tone={label.tone}>{label.text}</Badge>
      <span>
        happened <time dateTime={event.eventTime}>{formatDateTime(event.eventTime)}</time>
      </span>
      <span>
        received <time dateTime={event.receivedAt}>{formatDateTime(event.receivedAt)}</time>
      </span>
      {event.sender === null ? (
        <span className="text-ink-faint" data-testid="event-sender" title="Who sent each event is shown to people signed in">
          sender hidden
        </span>
      ) : (
        <span data-testid="event-sender">
          sent by <strong className="font-medium text-ink">{event.sender}</strong>
        </span>
      )}
    </div>
  );
}

export function TouchedNodes({ nodes }: { nodes: TouchedNode[] }) {
  return (
    <Card>
      <CardHeader title="Nodes it touched" description="What the projection recorded from this event; each opens in the explorer." />
      <CardBody>
        {nodes.length === 0 ? (
          <p className="text-sm text-ink-faint">none</p>
        ) : (
          <div className="flex flex-wrap gap-1.5" data-testid="detail-touched">
            {nodes.map((n) => (
              <NodeChip key={n.id} node={n} />
            ))}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
