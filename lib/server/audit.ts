import "server-only";
import { MAX_SEQ, type Queryable } from "./store/types";
import { AppError } from "./errors";
import { chainHash, GENESIS_HASH, sha256Hex, type LogEntryInput } from "./event-log";
import type { AuditEvent, AuditPage, AuditQuery, TouchedNode } from "@/lib/schemas/audit";
import type { NodeType } from "@/lib/lineage/types";

/**
 * The audit trail: the event log read newest first with filters (its verification: verification.ts).
 *
 * Node filters (job, dataset, run, any node) go through EventNode(seq, nodeId), which the projection
 * writes for every node an event touches: "events about this dataset" is one descending range of the
 * (nodeId, seq) index, however large the log. A LIKE over payloads would read every payload (and
 * match names inside facets); RunDataset and Node.seq only know the first or the run-level link.
 */

/** A row of the log as it was appended, with its place in the chain. */
interface EventRow extends Omit<LogEntryInput, "canonical" | "kind"> {
  seq: number;
  kind: AuditEvent["kind"];
  prevHash: string;
  hash: string;
}

const EVENT_COLUMNS = ["seq", "kind", "eventType", "eventTime", "receivedAt", "producer", "sender", "runId", "jobKey", "contentHash", "prevHash", "hash"]
  .map((c) => `e."${c}"`)
  .join(", ");

const TYPE_ORDER: Record<NodeType, number> = { job: 0, run: 1, dataset: 2, datasetVersion: 3 };

async function nodeIdOfKey(db: Queryable, key: string): Promise<number | null> {
  return (await db.get<{ id: number }>(`SELECT "id" FROM "Node" WHERE "key" = ?`, [key]))?.id ?? null;
}

/** How many same-named nodes an ambiguous name lists in its error. */
const NAMESAKES_SHOWN = 5;

/**
 * The node a job or dataset filter names, as people type it: its id (`job:<namespace>:<name>`;
 * datasets also take a version's id), its `<namespace>:<name>`, or its bare name. An id the store
 * does not know is a node without events (null); a name that fits no node, or several in different
 * namespaces, is a bad request that says so and lists the candidates. Both lookups are index
 * probes: Node's unique key, and its (type, name) index.
 */
export async function resolveNodeFilter(db: Queryable, field: "job" | "dataset", text: string): Promise<number | null> {
  const idTypes = field === "job" ? ["job"] : ["dataset", "datasetVersion"];
  if (idTypes.some((type) => text.startsWith(`${type}:`))) return nodeIdOfKey(db, text);
  const byNamespacedName = await nodeIdOfKey(db, `${field}:${text}`);
  if (byNamespacedName !== null) return byNamespacedName;
  const namesakes = await db.all<{ id: number; namespace: string }>(
    `SELECT "id", "namespace" FROM "Node" WHERE "type" = ? AND "name" = ? ORDER BY "namespace" LIMIT ${NAMESAKES_SHOWN + 1}`,
    [field, text],
  );
  if (namesakes.length === 1) return namesakes[0].id;
  const message =
    namesakes.length === 0
      ? `no ${field} is named “${text}”: pick one of the suggestions, or give namespace:name`
      : `“${text}” names a ${field} in several namespaces (${namesakes
          .slice(0, NAMESAKES_SHOWN)
          .map((n) => `${n.namespace}:${text}`)
          .join(", ")}${namesakes.length > NAMESAKES_SHOWN ? ", …" : ""}): give namespace:name`;
  throw new AppError("bad_request", `The ${field} filter does not name one ${field}.`, [{ path: field, message }]);
}

/** One page of the log, newest first, filtered. Keyset pagination on seq: stable while events arrive. */
export async function listAuditEvents(db: Queryable, query: AuditQuery): Promise<AuditPage> {
  const nodeIds: number[] = [];
  const filters = [
    query.job === undefined ? null : resolveNodeFilter(db, "job", query.job),
    query.dataset === undefined ? null : resolveNodeFilter(db, "dataset", query.dataset),
    query.run === undefined ? null : nodeIdOfKey(db, query.run),
    query.node === undefined ? null : nodeIdOfKey(db, query.node),
  ];
  for (const filter of filters) {
    if (filter === null) continue;
    const found = await filter;
    // A node the store does not know has no events: an empty page, not an error.
    if (found === null) return { events: [], nextBefore: null, prevAfter: null };
    nodeIds.push(found);
  }

  const isNewer = query.after !== undefined && query.before === undefined;
  const where: string[] = [];
  const params: (string | number)[] = [];
  // The most selective node drives the scan through the (nodeId, seq) index; others are point probes.
  let from = `"Event" e`;
  let seqColumn = `e."seq"`;
  if (nodeIds.length > 0) {
    from = `"EventNode" en JOIN "Event" e ON e."seq" = en."seq"`;
    seqColumn = `en."seq"`;
    where.push(`en."nodeId" = ?`);
    params.push(nodeIds[0]);
    for (const id of nodeIds.slice(1)) {
      where.push(`EXISTS (SELECT 1 FROM "EventNode" x WHERE x."seq" = e."seq" AND x."nodeId" = ?)`);
      params.push(id);
    }
  }
  if (query.type === "DatasetEvent" || query.type === "JobEvent") {
    where.push(`e."kind" = ?`);
    params.push(query.type);
  } else if (query.type) {
    where.push(`e."eventType" = ?`);
    params.push(query.type);
  }
  if (query.sender) {
    where.push(`e."sender" = ?`);
    params.push(query.sender);
  }
  const timeColumn = query.timeField === "receivedAt" ? `e."receivedAt"` : `e."eventTime"`;
  if (query.from) {
    where.push(`${timeColumn} >= ?`);
    params.push(query.from);
  }
  if (query.to) {
    where.push(`${timeColumn} < ?`);
    params.push(query.to);
  }
  const filterWhere = [...where];
  const filterParams = [...params];
  if (isNewer) {
    where.push(`${seqColumn} > ?`);
    params.push(query.after as number);
  } else if (query.before !== undefined) {
    where.push(`${seqColumn} < ?`);
    params.push(query.before);
  }
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  // One extra row tells whether another page exists in that direction.
  const rows = await db.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${from} ${whereSql} ORDER BY ${seqColumn} ${isNewer ? "ASC" : "DESC"} LIMIT ?`, [
    ...params,
    query.limit + 1,
  ]);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (isNewer) page.reverse();
  const events = await attachNodes(db, page);
  if (events.length === 0) return { events, nextBefore: null, prevAfter: null };

  const newest = events[0].seq;
  const oldest = events[events.length - 1].seq;
  const exists = async (op: "<" | ">", seq: number) => {
    const sql = `SELECT 1 AS "one" FROM ${from} WHERE ${[...filterWhere, `${seqColumn} ${op} ?`].join(" AND ")} LIMIT 1`;
    return (await db.get(sql, [...filterParams, seq])) !== undefined;
  };
  return {
    events,
    nextBefore: (isNewer ? await exists("<", oldest) : hasMore) ? oldest : null,
    prevAfter: (isNewer ? hasMore : await exists(">", newest)) ? newest : null,
  };
}

async function readEventRow(db: Queryable, seq: number): Promise<EventRow & { payload: string }> {
  // Past the largest sequence number a store holds there is no such event either.
  const row = seq <= MAX_SEQ ? await db.get<EventRow & { payload: string }>(`SELECT ${EVENT_COLUMNS}, e."payload" FROM "Event" e WHERE e."seq" = ?`, [seq]) : undefined;
  if (!row) throw new AppError("not_found", `No event #${seq} in the log.`);
  return row;
}

async function withParsedPayload(db: Queryable, { payload, ...rest }: EventRow & { payload: string }): Promise<AuditEvent & { payload: unknown }> {
  const [event] = await attachNodes(db, [rest]);
  let parsed: unknown = payload;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // A payload edited into invalid JSON is shown as the text it now is; verify reports it.
  }
  return { ...event, payload: parsed };
}

/** One record of the log, with its canonical payload (the exact bytes the chain hashed). */
export async function getAuditEvent(db: Queryable, seq: number): Promise<AuditEvent & { payload: unknown }> {
  return withParsedPayload(db, await readEventRow(db, seq));
}

/** One record with what its own bytes prove and where it sits in the chain (the /audit/events/<seq> page). */
export interface AuditEventDetail {
  event: AuditEvent & { payload: unknown };
  checks: {
    /** sha256 of the stored payload is the record's content hash. */
    contentHashHolds: boolean;
    /** sha256(previous hash + payload) is the record's chain hash. */
    chainHashHolds: boolean;
    /** The record's previous hash is the hash of the record before it (the genesis hash for the first). */
    linkHolds: boolean;
  };
  /** The records before and after it in the log; null at either end. */
  previousSeq: number | null;
  nextSeq: number | null;
}

export async function getAuditEventDetail(db: Queryable, seq: number): Promise<AuditEventDetail> {
  const row = await readEventRow(db, seq);
  const previous = await db.get<{ seq: number; hash: string }>(`SELECT "seq", "hash" FROM "Event" WHERE "seq" < ? ORDER BY "seq" DESC LIMIT 1`, [seq]);
  const next = await db.get<{ seq: number }>(`SELECT "seq" FROM "Event" WHERE "seq" > ? ORDER BY "seq" LIMIT 1`, [seq]);
  return {
    event: await withParsedPayload(db, row),
    checks: {
      contentHashHolds: sha256Hex(row.payload) === row.contentHash,
      chainHashHolds: chainHash(row.prevHash, row.payload) === row.hash,
      linkHolds: row.prevHash === (previous?.hash ?? GENESIS_HASH),
    },
    previousSeq: previous?.seq ?? null,
    nextSeq: next?.seq ?? null,
  };
}

async function attachNodes(db: Queryable, rows: EventRow[]): Promise<AuditEvent[]> {
  if (rows.length === 0) return [];
  const touched = await db.all<TouchedNode & { seq: number }>(
    `SELECT en."seq", n."key" AS "id", n."type", n."namespace", n."name", v."version", COALESCE(d."kind", vd."kind") AS "kind"
     FROM "EventNode" en
     JOIN "Node" n ON n."id" = en."nodeId"
     LEFT JOIN "DatasetVersion" v ON v."nodeId" = n."id"
     LEFT JOIN "Dataset" vd ON vd."key" = v."datasetKey"
     LEFT JOIN "Dataset" d ON d."nodeId" = n."id"
     WHERE en."seq" IN ${db.dialect.jsonValues("integer")}`,
    [JSON.stringify(rows.map((r) => r.seq))],
  );
  const bySeq = new Map<number, TouchedNode[]>();
  for (const { seq, ...node } of touched) {
    const list = bySeq.get(seq) ?? [];
    list.push(node);
    bySeq.set(seq, list);
  }
  return rows.map((r) => ({
    ...r,
    nodes: (bySeq.get(r.seq) ?? []).sort(
      (a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    ),
  }));
}

/**
 * The log as a reader who may not see senders sees it (lib/server/auth.ts canSeeSenders): who sent
 * each event is left out, and so is a record's raw payload; the chain hashes still prove the rest.
 */
export function withoutSenders(page: AuditPage): AuditPage {
  return { ...page, events: page.events.map((event) => ({ ...event, sender: null })) };
}

export function withoutPayload<T extends AuditEvent & { payload: unknown }>(event: T): T {
  return { ...event, sender: null, payload: null };
}

/** Senders seen in the log, for the audit filter. */
export async function listSenders(db: Queryable): Promise<string[]> {
  return (await db.all<{ sender: string }>(`SELECT DISTINCT "sender" FROM "Event" ORDER BY "sender" LIMIT 200`)).map((r) => r.sender);
}
