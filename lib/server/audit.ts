import "server-only";
import { readSnapshot, type Sqlite } from "./db";
import { MAX_SEQ, type Queryable } from "./store/types";
import { AppError } from "./errors";
import { GENESIS_HASH, getLogHead, verifyChainSteps, type LogHead } from "./event-log";
import { verifyProjectionSteps } from "./rebuild";
import { runInSlices, runToEnd, type Steps } from "./steps";
import { getSigner, signStatement, type Signer } from "./signing";
import type {
  AuditEvent,
  AuditPage,
  AuditQuery,
  AuditVerification,
  HeadStatement,
  SignedStatement,
  TouchedNode,
} from "@/lib/schemas/audit";
import type { NodeType } from "@/lib/lineage/types";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";

/**
 * The audit trail: the event log read newest first with filters, and the verification of both the
 * hash chain and the projection.
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

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/** The signed (when a key is configured) statement of the log head: GET /api/v1/audit/head. */
export function getSignedHead(
  db: Sqlite,
  signer: Signer | null = getSigner(),
  head: LogHead | null = getLogHead(db),
): SignedStatement<HeadStatement> {
  return signStatement<HeadStatement>(
    { type: "threadline/log-head", version: 1, head, signedAt: new Date().toISOString(), keyId: signer?.keyId ?? null },
    signer,
  );
}

type VerificationResult = Omit<AuditVerification, "signedHead">;

interface VerifyOptions {
  /** Also replay the log and compare the projection (default true). */
  projection?: boolean;
  signer?: Signer | null;
  /** Accept a full check this old when other connections wrote since (see verifyStore). */
  maxAgeMs?: number;
}

interface CacheEntry {
  /** PRAGMA data_version: moves when another connection (the sqlite3 shell, a script, Prisma) commits. */
  dataVersion: number;
  /** total_changes(): moves when this connection writes. */
  changes: number;
  result: VerificationResult;
  /** data_version and time of the last full check. */
  fullDataVersion: number;
  fullAt: number;
}
const verificationCache = new WeakMap<Sqlite, Map<boolean, CacheEntry>>();

interface Stamp {
  dataVersion: number;
  changes: number;
  head: LogHead | null;
  at: number;
}

function stampOf(db: Sqlite): Stamp {
  return {
    dataVersion: db.pragma("data_version", { simple: true }) as number,
    changes: (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n,
    head: getLogHead(db),
    at: Date.now(),
  };
}

/** What a verification request needs: the cached answer, the chain links appended since, or everything. */
type Plan = { kind: "cached"; result: VerificationResult } | { kind: "extend"; from: VerificationResult } | { kind: "full" };

function planVerification(db: Sqlite, withProjection: boolean, stamp: Stamp, maxAgeMs: number): Plan {
  const cached = verificationCache.get(db)?.get(withProjection);
  if (!cached || (cached.fullDataVersion !== stamp.dataVersion && stamp.at - cached.fullAt > maxAgeMs)) return { kind: "full" };
  const isUnchanged = cached.dataVersion === stamp.dataVersion && cached.changes === stamp.changes && cached.result.head?.seq === stamp.head?.seq;
  if (isUnchanged) return { kind: "cached", result: cached.result };
  return cached.result.ok ? { kind: "extend", from: cached.result } : { kind: "full" };
}

/** Carries out a plan, reading the log and projection from `source`. */
function* verificationSteps(source: Sqlite, plan: Plan, withProjection: boolean): Steps<{ result: VerificationResult; isFull: boolean }> {
  if (plan.kind === "cached") return { result: plan.result, isFull: false };
  if (plan.kind === "extend") {
    const extended = yield* extendVerificationSteps(source, plan.from);
    if (extended) return { result: extended, isFull: false };
  }
  return { result: yield* computeVerificationSteps(source, withProjection), isFull: true };
}

function remember(db: Sqlite, withProjection: boolean, stamp: Stamp, result: VerificationResult, isFull: boolean): void {
  let perDb = verificationCache.get(db);
  if (!perDb) verificationCache.set(db, (perDb = new Map()));
  const previous = perDb.get(withProjection);
  perDb.set(withProjection, {
    dataVersion: stamp.dataVersion,
    changes: stamp.changes,
    result,
    fullDataVersion: isFull || !previous ? stamp.dataVersion : previous.fullDataVersion,
    fullAt: isFull || !previous ? stamp.at : previous.fullAt,
  });
}

function withSignedHead(db: Sqlite, result: VerificationResult, signer: Signer | null | undefined): AuditVerification {
  const key = signer === undefined ? getSigner() : signer;
  // A broken store's head is not worth a signature: sign only what verified, and only as far as it verified.
  return { ...result, signedHead: key && result.ok ? getSignedHead(db, key, result.head) : null };
}

/**
 * Recomputes the hash chain and (unless `projection` is false) replays the log to prove that every
 * projection row is what the log says. Answers the first broken record: a log record whose hash does
 * not hold, or else the event that created a projection row that differs from the replay.
 *
 * Cached per connection so the header badge on every page stays cheap:
 * - nothing written since the last check: the cached answer;
 * - only this connection wrote (Threadline's own appends, each with its projection in one
 *   transaction) and the last check was ok: only the new records' chain links are checked;
 * - anything else, in particular any commit by another connection (an edit behind Threadline's
 *   back moves data_version): the full check again — unless the caller accepts a full check up to
 *   `maxAgeMs` old (the header badge does, so sessions and shares written through Prisma do not
 *   make every page replay a large log; /audit, the report and the API default to 0).
 *
 * Synchronous: for scripts and tests. The server uses verifyStoreInSlices.
 */
export function verifyStore(db: Sqlite, options: VerifyOptions = {}): AuditVerification {
  const withProjection = options.projection ?? true;
  const stamp = stampOf(db);
  const plan = planVerification(db, withProjection, stamp, options.maxAgeMs ?? 0);
  const { result, isFull } = runToEnd(verificationSteps(db, plan, withProjection));
  remember(db, withProjection, stamp, result, isFull);
  return withSignedHead(db, result, options.signer);
}

/** One verification at a time per store: a second request waits and then finds the first one's answer cached. */
const verificationQueue = new WeakMap<Sqlite, Promise<unknown>>();

/**
 * verifyStore for the server. A full check of a large store takes minutes of CPU (a million events:
 * the chain rehashes 1 GB, the replay re-derives every row); it runs in slices of a few
 * milliseconds on a snapshot of the store (readSnapshot), so lineage requests and ingest go on
 * meanwhile and it checks one consistent state of log and projection whatever is written during it.
 * Concurrent callers share one run.
 */
export function verifyStoreInSlices(db: Sqlite, options: VerifyOptions = {}): Promise<AuditVerification> {
  const withProjection = options.projection ?? true;
  const run = async () => {
    const stamp = stampOf(db);
    const plan = planVerification(db, withProjection, stamp, options.maxAgeMs ?? 0);
    const { result, isFull } =
      plan.kind === "cached"
        ? { result: plan.result, isFull: false }
        : await readSnapshot(db, (snapshot) => runInSlices(verificationSteps(snapshot, plan, withProjection)));
    remember(db, withProjection, stamp, result, isFull);
    return withSignedHead(db, result, options.signer);
  };
  const queued = (verificationQueue.get(db) ?? Promise.resolve()).catch(() => undefined).then(run);
  verificationQueue.set(db, queued);
  return queued;
}

/** Checks the chain links of the records appended after a verified head; null when one fails. */
function* extendVerificationSteps(db: Sqlite, verified: VerificationResult): Steps<VerificationResult | null> {
  const appended = yield* verifyChainSteps(db, { after: verified.head ?? { seq: 0, hash: GENESIS_HASH } });
  if (!appended.ok) return null;
  const total = verified.checked + appended.checked;
  return {
    ...verified,
    checked: total,
    head: appended.checked > 0 ? appended.head : verified.head,
    chain: { ok: true, checked: total },
    verifiedAt: new Date().toISOString(),
  };
}

function* computeVerificationSteps(db: Sqlite, withProjection: boolean): Steps<VerificationResult> {
  const chain = yield* verifyChainSteps(db);
  let projection: AuditVerification["projection"] = null;
  if (withProjection) {
    const check = yield* verifyProjectionSteps(db);
    projection = check.ok
      ? { ok: true }
      : {
          ok: false,
          firstDifference: check.firstDifference && {
            ...check.firstDifference,
            seq: creatingEvent(db, check.firstDifference.table, check.firstDifference.key),
          },
        };
  }
  let firstBroken = chain.firstBroken;
  if (!firstBroken && projection && !projection.ok) {
    const d = projection.firstDifference;
    firstBroken = {
      seq: d?.seq ?? 0,
      reason: d
        ? `projection ${d.table} row ${d.key}: ${d.reason}${d.seq ? ` (the row was created by event #${d.seq})` : ""}`
        : "the projection differs from a replay of the log",
    };
  }
  return {
    ok: chain.ok && (projection?.ok ?? true),
    checked: chain.checked,
    head: chain.head ?? getLogHead(db),
    ...(firstBroken ? { firstBroken } : {}),
    chain: { ok: chain.ok, checked: chain.checked, ...(chain.firstBroken ? { firstBroken: chain.firstBroken } : {}) },
    projection,
    verifiedAt: new Date().toISOString(),
  };
}

/** The event that first wrote a projection row, from the node it belongs to. */
function creatingEvent(db: Sqlite, table: string, key: string): number | null {
  const nodeSeq = (k: string) => db.prepare<[string], { seq: number }>("SELECT seq FROM Node WHERE key = ?").get(k)?.seq ?? null;
  switch (table) {
    case "Run":
    case "RunDataset":
      return nodeSeq(nodeId.run(runIdOf(key)));
    case "Edge": {
      const [source, target] = key.split(" -> ");
      const row = db
        .prepare<[string, string], { seq: number }>(
          "SELECT e.seq FROM Edge e JOIN Node s ON s.id = e.sourceId JOIN Node t ON t.id = e.targetId WHERE s.key = ? AND t.key = ?",
        )
        .get(source, target);
      return row?.seq ?? nodeSeq(target) ?? nodeSeq(source);
    }
    default:
      return nodeSeq(key);
  }
}
