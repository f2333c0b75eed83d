import "server-only";
import { MAX_SEQ, type Queryable } from "./store/types";
import { AppError } from "./errors";
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

interface EventRow {
  seq: number;
  kind: AuditEvent["kind"];
  eventType: string | null;
  eventTime: string;
  receivedAt: string;
  producer: string | null;
  sender: string;
  runId: string | null;
  jobKey: string | null;
  contentHash: string;
  prevHash: string;
  hash: string;
}

const EVENT_COLUMNS = ["seq", "kind", "eventType", "eventTime", "receivedAt", "producer", "sender", "runId", "jobKey", "contentHash", "prevHash", "hash"]
  .map((c) => `e."${c}"`)
  .join(", ");

const TYPE_ORDER: Record<NodeType, number> = { job: 0, run: 1, dataset: 2, datasetVersion: 3 };

/** One page of the log, newest first, filtered. Keyset pagination on seq: stable while events arrive. */
export async function listAuditEvents(db: Queryable, query: AuditQuery): Promise<AuditPage> {
  const nodeKeys = [query.job, query.dataset, query.run, query.node].filter((k): k is string => k !== undefined);
  const nodeIds: number[] = [];
  for (const key of nodeKeys) {
    const found = await db.get<{ id: number }>(`SELECT "id" FROM "Node" WHERE "key" = ?`, [key]);
    // A node the store does not know has no events: an empty page, not an error.
    if (!found) return { events: [], nextBefore: null, prevAfter: null };
    nodeIds.push(found.id);
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

/** One record of the log, with its canonical payload (the exact bytes the chain hashed). */
export async function getAuditEvent(db: Queryable, seq: number): Promise<AuditEvent & { payload: unknown }> {
  // Past the largest sequence number a store holds there is no such event either.
  const row = seq <= MAX_SEQ ? await db.get<EventRow & { payload: string }>(`SELECT ${EVENT_COLUMNS}, e."payload" FROM "Event" e WHERE e."seq" = ?`, [seq]) : undefined;
  if (!row) throw new AppError("not_found", `No event #${seq} in the log.`);
  const { payload, ...rest } = row;
  const [event] = await attachNodes(db, [rest]);
  let parsed: unknown = payload;
  try {
    parsed = JSON.parse(payload);
  } catch {
    // A payload edited into invalid JSON is shown as the text it now is; verify reports it.
  }
  return { ...event, payload: parsed };
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

/** Jobs and datasets to offer in the filter form (bounded: people can paste any node id). */
export async function listFilterNodes(db: Queryable, limit = 300): Promise<{ jobs: TouchedNode[]; datasets: TouchedNode[] }> {
  const rows = (type: string) =>
    db.all<TouchedNode>(
      `SELECT "key" AS "id", "type", "namespace", "name", NULL AS "version", NULL AS "kind" FROM "Node" WHERE "type" = ? ORDER BY "name", "namespace" LIMIT ?`,
      [type, limit],
    );
  return { jobs: await rows("job"), datasets: await rows("dataset") };
}
