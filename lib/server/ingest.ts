import "server-only";
import type { Queryable, SqlValue, Store } from "./store/types";
import { allSettled } from "./store/rows";
import { appendEntries, chainEntry, findEventsByContent, getLogHead, sha256Hex, type ChainedEntry, type LogHead } from "./event-log";
import { flushProjection, prefetchProjection, ProjectionCache, projectEvent, toUtc, type ProjectableEvent } from "./projection";
import { nodeId } from "@/lib/lineage/node-id";
import { canonicalJson } from "@/lib/schemas/canonical";
import { validateEvent, type EventKind, type ValidationIssue } from "@/lib/schemas/openlineage";
import type { EventLimits } from "@/lib/schemas/event-limits";
import { getEventLimits } from "@/lib/config";

/**
 * The one door events come in by (HTTP, the ingest CLI, the demo loader): validate, then append
 * to the log and project, in one transaction per call, on either backend. Each event stands alone: an invalid one is
 * reported by its index and stores nothing; a valid one is stored whole or not at all; one already
 * in the log (a client retry) is recognised by its content hash and changes nothing.
 */

export type IngestStatus = "created" | "duplicate" | "rejected";

export interface IngestOutcome {
  index: number;
  status: IngestStatus;
  /** Sequence number in the log (new or existing). */
  seq?: number;
  errors?: ValidationIssue[];
  warnings?: ValidationIssue[];
}

export interface IngestOptions {
  /**
   * Who sent the events: an API key's name, "cli", "demo", "anonymous"; or one sender per input,
   * when one transaction carries the events of several requests (a group commit).
   */
  sender: string | readonly string[];
  /** Override for tests and replays; defaults to now. */
  receivedAt?: string;
  /** How big one event may be; defaults to the configured THREADLINE_MAX_EVENT_* limits. */
  limits?: EventLimits;
}

/** A valid event ready to store: validated, in canonical form and hashed, before any transaction. */
export interface PreparedEvent {
  canonical: string;
  contentHash: string;
  kind: EventKind;
  event: ProjectableEvent & { producer?: string; eventType?: string };
  warnings: ValidationIssue[];
}

/** Prepared with the index of its input in the call that stores it. */
export interface Prepared extends PreparedEvent {
  index: number;
}

/**
 * The per-event work that needs no database: validation (schema, size, facets), canonical JSON and
 * its hash. An invalid event ends here with its errors and never reaches a transaction.
 */
export function prepareEvent(input: unknown, limits: EventLimits = getEventLimits()): { ok: true; prepared: PreparedEvent } | { ok: false; errors: ValidationIssue[] } {
  const result = validateEvent(input, limits);
  if (!result.ok) return { ok: false, errors: result.errors };
  const canonical = canonicalJson(input);
  return {
    ok: true,
    prepared: {
      canonical,
      contentHash: sha256Hex(canonical),
      kind: result.kind,
      // The raw event, not a parsed copy: `rebuild` projects JSON.parse(payload), and both must agree.
      event: input as PreparedEvent["event"],
      warnings: result.warnings,
    },
  };
}

export async function ingestEvents(store: Store, inputs: readonly unknown[], options: IngestOptions): Promise<IngestOutcome[]> {
  const { outcomes, batch } = prepareInputs(inputs, options);
  const stored = batch.valid.length === 0 ? [] : await storeBatch(store, batch);
  for (const outcome of stored) outcomes[outcome.index] = outcome;
  return outcomes;
}

/**
 * ingestEvents' work before the database: every input prepared (prepareEvent); the rejected ones
 * answered in `outcomes`, the valid ones the batch to store (their outcomes go in by `index`).
 */
export function prepareInputs(inputs: readonly unknown[], options: IngestOptions): { outcomes: IngestOutcome[]; batch: Batch } {
  if (typeof options.sender !== "string" && options.sender.length !== inputs.length) {
    throw new Error(`ingestEvents was given ${options.sender.length} senders for ${inputs.length} events.`);
  }
  const outcomes: IngestOutcome[] = new Array(inputs.length);
  const valid: Prepared[] = [];
  const limits = options.limits ?? getEventLimits();
  inputs.forEach((input, index) => {
    const result = prepareEvent(input, limits);
    if (result.ok) valid.push({ ...result.prepared, index });
    else outcomes[index] = { index, status: "rejected", errors: result.errors };
  });
  const sender = typeof options.sender === "string" ? options.sender : valid.map((p) => options.sender[p.index]!);
  return { outcomes, batch: batchOf(valid, { ...options, sender }) };
}

/**
 * Stores prepared events (prepareEvent) in one transaction: appended to the log and projected, or,
 * when already in the log, answered as duplicates. Outcome i belongs to event i, its `index` the
 * event's own (the input's index in ingestEvents).
 */
export async function ingestPrepared(store: Store, events: readonly PreparedEvent[], options: Omit<IngestOptions, "limits">): Promise<IngestOutcome[]> {
  if (typeof options.sender !== "string" && options.sender.length !== events.length) {
    throw new Error(`ingestPrepared was given ${options.sender.length} senders for ${events.length} events.`);
  }
  if (events.length === 0) return [];
  return storeBatch(store, batchOf(events.map((p, index) => ({ ...p, index })), options));
}

/** Stores a batch in one transaction; answers one outcome per valid event, in their order. */
function storeBatch(store: Store, batch: Batch): Promise<IngestOutcome[]> {
  return store.transaction(async (tx) => {
    // The log's lock first (every server on the database queues here), so the chain head and the
    // projection rows read below cannot go stale, and a retry racing its original on another server
    // finds the original committed.
    if (tx.dialect.lockLog) await tx.run(tx.dialect.lockLog);
    const staged = await stageBatch(tx, batch, await getLogHead(tx), new ProjectionCache(), new Map());
    await writeStaged(tx, staged);
    return staged.outcomes;
  });
}

/** A call's valid events with what storing them needs besides the database. */
export interface Batch {
  valid: readonly Prepared[];
  receivedAt: string;
  senderOf: (i: number) => string;
}

export function batchOf(valid: readonly Prepared[], options: Omit<IngestOptions, "limits">): Batch {
  return {
    valid,
    receivedAt: options.receivedAt ?? new Date().toISOString(),
    senderOf: (i) => (typeof options.sender === "string" ? options.sender : options.sender[i]!),
  };
}

/**
 * A batch as it will be written, projected onto the log head `base`: its log rows chained from
 * there (`entries`, ending at `head`), its projection rows pending in `cache`, and, when it was
 * projected ahead of the log's lock, the statements the projection ran meanwhile (`writes`: held
 * back, to be run under the lock before the rows; see lib/server/ingest-batches.ts).
 */
export interface StagedBatch {
  base: LogHead | null;
  head: LogHead | null;
  cache: ProjectionCache;
  /** Content hash → seq of every event of the batch in the log, or stored by it. */
  logged: Map<string, number>;
  entries: ChainedEntry[];
  outcomes: IngestOutcome[];
  writes: { sql: string; params: readonly SqlValue[] }[];
}

/**
 * Projects `batch` onto `base` through `db`: the duplicate check, the projection's reads, each new
 * event chained and projected into `cache`. `logged` holds the content hashes known already (an
 * earlier batch's, not committed yet); the ones this batch stores join it, so a retry inside the
 * same call is a duplicate of its original too.
 */
export async function stageBatch(db: Queryable, batch: Batch, base: LogHead | null, cache: ProjectionCache, logged: Map<string, number>): Promise<StagedBatch> {
  const { valid } = batch;
  const unknown = valid.map((p) => p.contentHash).filter((hash) => !logged.has(hash));
  if (unknown.length > 0) for (const [hash, seq] of await findEventsByContent(db, unknown)) logged.set(hash, seq);
  await prefetchProjection(db, cache, valid.filter((p) => !logged.has(p.contentHash)).map((p) => p.event));
  const outcomes: IngestOutcome[] = new Array(valid.length);
  // The log's rows, written many to a statement once the batch is projected.
  const entries: ChainedEntry[] = [];
  let head = base;
  for (let i = 0; i < valid.length; i++) {
    const p = valid[i]!;
    const existing = logged.get(p.contentHash);
    if (existing !== undefined) {
      outcomes[i] = { index: p.index, status: "duplicate", seq: existing, warnings: p.warnings };
      continue;
    }
    const entry = await storeOne(db, p, batch.receivedAt, batch.senderOf(i), head, cache);
    entries.push(entry);
    head = entry.head;
    logged.set(p.contentHash, head.seq);
    outcomes[i] = { index: p.index, status: "created", seq: head.seq, warnings: p.warnings };
  }
  return { base, head, cache, logged, entries, outcomes, writes: [] };
}

/**
 * Writes a staged batch inside the append transaction, under the log's lock: the statements held
 * back (in order), then the projection's rows and the log's, all sent before any is awaited;
 * `onSent` once they are on their way and the cache holds no pending rows any more.
 */
export async function writeStaged(tx: Queryable, staged: StagedBatch, onSent?: () => void): Promise<void> {
  const held = staged.writes.map((w) => tx.run(w.sql, w.params));
  // The projection's first statement (the edges, whose answer the rest waits for) goes out
  // before the log's rows, so on PostgreSQL the two execute while this code builds the rest.
  const flushed = flushProjection(tx, staged.cache, onSent);
  await allSettled<unknown>([...held, appendEntries(tx, staged.entries), flushed]);
}

/** Chains one event onto `prev` and projects it; its log row is the caller's to write (appendEntries). */
async function storeOne(tx: Queryable, p: Prepared, receivedAt: string, sender: string, prev: LogHead | null, cache: ProjectionCache): Promise<ChainedEntry> {
  const { event } = p;
  const entry = chainEntry(
    {
      canonical: p.canonical,
      contentHash: p.contentHash,
      kind: p.kind,
      eventType: typeof event.eventType === "string" ? event.eventType : null,
      eventTime: toUtc(event.eventTime),
      receivedAt,
      producer: typeof event.producer === "string" ? event.producer : null,
      sender,
      runId: event.run?.runId ?? null,
      jobKey: event.job ? nodeId.job(event.job.namespace, event.job.name) : null,
    },
    prev,
  );
  await projectEvent(tx, entry.head.seq, p.kind, event, cache);
  return entry;
}

/** Counts of outcomes, for summaries. */
export function summarise(outcomes: readonly IngestOutcome[]) {
  let created = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const o of outcomes) {
    if (o.status === "created") created++;
    else if (o.status === "duplicate") duplicates++;
    else rejected++;
  }
  return { created, duplicates, rejected };
}
