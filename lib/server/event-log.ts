import "server-only";
import crypto, { createHash } from "node:crypto";
import { MAX_SEQ, type Queryable, type SqlValue } from "./store/types";
import { insertRows } from "./store/rows";
import { finish, type AsyncSteps } from "./steps";

/**
 * The append-only event log and its hash chain: hash_n = sha256(hash_{n-1} || canonical JSON of
 * event_n), with hash_0's predecessor the genesis hash. Nothing in Threadline updates or deletes a
 * row of it; `verifyChain` finds any row that was changed behind Threadline's back.
 */
export const GENESIS_HASH = "0".repeat(64);

// crypto.hash (Node >= 20.12) hashes in one call, a few times cheaper than createHash for an event.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot("sha256", text, "hex") : createHash("sha256").update(text).digest("hex");
}

export function chainHash(prevHash: string, canonicalEvent: string): string {
  return oneShot ? oneShot("sha256", prevHash + canonicalEvent, "hex") : createHash("sha256").update(prevHash).update(canonicalEvent).digest("hex");
}

export interface LogEntryInput {
  canonical: string;
  contentHash: string;
  kind: string;
  eventType: string | null;
  eventTime: string;
  receivedAt: string;
  producer: string | null;
  sender: string;
  runId: string | null;
  jobKey: string | null;
}

export interface LogHead {
  seq: number;
  hash: string;
}

/** The newest entry of the log, or null when it is empty. */
export async function getLogHead(db: Queryable): Promise<LogHead | null> {
  return (await db.get<LogHead>(`SELECT seq, hash FROM "Event" ORDER BY seq DESC LIMIT 1`)) ?? null;
}

/**
 * The events already in the log with any of these contents: content hash → sequence number. One
 * query for a whole batch (on PostgreSQL one round trip, not one per event).
 */
export async function findEventsByContent(db: Queryable, contentHashes: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.all<{ seq: number; contentHash: string }>(
    `SELECT seq, "contentHash" FROM "Event" WHERE "contentHash" IN ${db.dialect.jsonValues("text")}`,
    [JSON.stringify(contentHashes)],
  );
  return new Map(rows.map((r) => [r.contentHash, r.seq]));
}

/** The log's columns in the order of ChainedEntry.row. */
export const LOG_COLUMNS = ["seq", "contentHash", "kind", "eventType", "eventTime", "receivedAt", "producer", "sender", "runId", "jobKey", "payload", "prevHash", "hash"] as const;

/** A log entry chained onto the log's head: the head it makes and its row for appendEntries. */
export interface ChainedEntry {
  head: LogHead;
  row: SqlValue[];
}

/**
 * Chains one event onto `prev` (null: the empty log). Only inside the caller's append transaction,
 * after `lockLog` and the duplicate check (findEventsByContent), with `prev` read under that lock
 * (getLogHead) or returned by the previous chainEntry: another server or process may be appending
 * too, and the lock is what keeps the head from moving underneath.
 *
 * The sequence number is the head's plus one, written explicitly: a database sequence would skip
 * a number for every rolled-back transaction (PostgreSQL's never go back), and a gap in the log
 * reads as a removed record.
 */
export function chainEntry(entry: LogEntryInput, prev: LogHead | null): ChainedEntry {
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const seq = (prev?.seq ?? 0) + 1;
  const hash = chainHash(prevHash, entry.canonical);
  return {
    head: { seq, hash },
    row: [seq, entry.contentHash, entry.kind, entry.eventType, entry.eventTime, entry.receivedAt, entry.producer, entry.sender, entry.runId, entry.jobKey, entry.canonical, prevHash, hash],
  };
}

/**
 * Writes chained entries to the log, many to a statement. No conflict clause: the caller checked
 * for duplicates under the log's lock, so a second copy of an event is a bug, and its error rolls
 * the whole transaction back.
 */
export function appendEntries(db: Queryable, entries: readonly ChainedEntry[]): Promise<void> {
  return insertRows(db, "Event", LOG_COLUMNS, entries.map((e) => e.row));
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  head: LogHead | null;
  firstBroken?: { seq: number; reason: string };
}

/**
 * Recomputes the whole chain, streaming the log in order. Names the first record whose content
 * hash, link to its predecessor or chain hash does not match, or whose sequence number skips.
 */
export function verifyChain(db: Queryable): Promise<ChainVerification> {
  return finish(verifyChainSteps(db));
}

/** Records the chain check reads at a time (keyset pages on seq, so any Queryable can serve them). */
const CHAIN_PAGE = 1000;

/**
 * verifyChain as steps (one per record), for callers that run it in slices. `after` continues from
 * a head already verified (only the records appended since are checked, and the first of them must
 * follow it); `upTo` stops at that record (a share checks the log it was taken from; later events
 * do not matter to it). `checked` counts the records this call checked.
 */
export async function* verifyChainSteps(
  db: Queryable,
  { after, upTo = MAX_SEQ }: { after?: LogHead; upTo?: number } = {},
): AsyncSteps<ChainVerification> {
  let prevHash = after?.hash ?? GENESIS_HASH;
  let expectedSeq: number | null = after ? after.seq + 1 : null;
  let checked = 0;
  let head: LogHead | null = after ?? null;
  let from = after?.seq ?? 0;
  for (;;) {
    const rows = await db.all<{ seq: number; contentHash: string; payload: string; prevHash: string; hash: string }>(
      `SELECT seq, "contentHash", payload, "prevHash", hash FROM "Event" WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${CHAIN_PAGE}`,
      [from, upTo],
    );
    for (const row of rows) {
      const broken = async (reason: string): Promise<ChainVerification> => ({
        ok: false,
        checked,
        head: await getLogHead(db),
        firstBroken: { seq: row.seq, reason },
      });
      if (expectedSeq !== null && row.seq !== expectedSeq) {
        return broken(`sequence jumps from ${expectedSeq - 1} to ${row.seq}: a record was removed`);
      }
      if (row.prevHash !== prevHash) return broken("its previous hash does not match the record before it");
      if (sha256Hex(row.payload) !== row.contentHash) return broken("its content does not match its content hash");
      if (chainHash(prevHash, row.payload) !== row.hash) return broken("its chain hash does not match its content");
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      head = { seq: row.seq, hash: row.hash };
      checked++;
      yield;
    }
    if (rows.length < CHAIN_PAGE) break;
    from = rows[rows.length - 1].seq;
  }
  return { ok: true, checked, head };
}
