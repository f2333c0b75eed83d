import "server-only";
import crypto, { createHash } from "node:crypto";
import type { Sqlite } from "./db";
import { runToEnd, type Steps } from "./steps";

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

type Statements = ReturnType<typeof prepare>;
const statementsByDb = new WeakMap<Sqlite, Statements>();

function prepare(db: Sqlite) {
  return {
    head: db.prepare<[], LogHead>("SELECT seq, hash FROM Event ORDER BY seq DESC LIMIT 1"),
    byContent: db.prepare<[string], { seq: number }>("SELECT seq FROM Event WHERE contentHash = ?"),
    insert: db.prepare(
      `INSERT INTO Event (contentHash, kind, eventType, eventTime, receivedAt, producer, sender, runId, jobKey, payload, prevHash, hash)
       VALUES (@contentHash, @kind, @eventType, @eventTime, @receivedAt, @producer, @sender, @runId, @jobKey, @canonical, @prevHash, @hash)`,
    ),
  };
}

function statements(db: Sqlite): Statements {
  let s = statementsByDb.get(db);
  if (!s) {
    s = prepare(db);
    statementsByDb.set(db, s);
  }
  return s;
}

/** The newest entry of the log, or null when it is empty. */
export function getLogHead(db: Sqlite): LogHead | null {
  return statements(db).head.get() ?? null;
}

/** The sequence number of an event already in the log with this content, if any. */
export function findEventByContent(db: Sqlite, contentHash: string): number | null {
  return statements(db).byContent.get(contentHash)?.seq ?? null;
}

/**
 * Appends one event. Must run inside the caller's write transaction so the head it chains onto
 * cannot move underneath it (another process may be writing too). A caller appending several
 * events in one transaction may pass the head the previous append returned (null: empty log)
 * instead of having it read again.
 */
export function appendEvent(db: Sqlite, entry: LogEntryInput, prev?: LogHead | null): LogHead {
  const s = statements(db);
  const prevHash = (prev === undefined ? s.head.get() : prev)?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, entry.canonical);
  const info = s.insert.run({ ...entry, prevHash, hash });
  return { seq: Number(info.lastInsertRowid), hash };
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
export function verifyChain(db: Sqlite): ChainVerification {
  return runToEnd(verifyChainSteps(db));
}

/**
 * verifyChain as steps (one per record), for callers that run it in slices. `after` continues from
 * a head already verified (only the records appended since are checked, and the first of them must
 * follow it); `upTo` stops at that record (a share checks the log it was taken from; later events
 * do not matter to it). `checked` counts the records this call checked.
 */
export function* verifyChainSteps(
  db: Sqlite,
  { after, upTo = Number.MAX_SAFE_INTEGER }: { after?: LogHead; upTo?: number } = {},
): Steps<ChainVerification> {
  let prevHash = after?.hash ?? GENESIS_HASH;
  let expectedSeq: number | null = after ? after.seq + 1 : null;
  let checked = 0;
  let head: LogHead | null = after ?? null;
  const rows = db
    .prepare<[number, number], { seq: number; contentHash: string; payload: string; prevHash: string; hash: string }>(
      "SELECT seq, contentHash, payload, prevHash, hash FROM Event WHERE seq > ? AND seq <= ? ORDER BY seq",
    )
    .iterate(after?.seq ?? 0, upTo);
  for (const row of rows) {
    const broken = (reason: string): ChainVerification => ({
      ok: false,
      checked,
      head: getLogHead(db),
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
  return { ok: true, checked, head };
}
