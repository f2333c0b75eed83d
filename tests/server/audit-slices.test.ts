/**
 * The server verifies the store in slices on a snapshot (verifyStoreInSlices): a full check of a
 * large store must not stall other requests, must not stop ingest, and must answer exactly what the
 * synchronous check answers — including on a tampered store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite, type Sqlite, storeOver } from "@/lib/server/db";
import { verifyStore, verifyStoreInSlices } from "@/lib/server/verification";
import { ingestEvents } from "@/lib/server/ingest";
import { generateGenAiLineage } from "@/scripts/bench/lib/genai-lineage";
import { createTestDatabase, runEvent, writeBehindThreadlinesBack } from "../support/db";

const RECEIVED_AT = "2026-11-24T00:00:00.000Z";

let db: Sqlite;
let file: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase());
  // About 2,500 events: a full verification takes a few hundred milliseconds, many slices.
  await ingestEvents(storeOver(db), [...generateGenAiLineage({ targetEdges: 3_000, seed: 5 })] as unknown as Record<string, unknown>[], {
    sender: "tests",
    receivedAt: RECEIVED_AT,
  });
});
afterAll(() => cleanup());

/** Edits the store through another connection, as the sqlite3 shell would. */
const tamper = (sql: string, ...params: unknown[]) => writeBehindThreadlinesBack(file, sql, ...params);

/** A full check without slices on a connection of its own, so no cached answer is involved. */
async function syncCheck() {
  const other = openSqlite(file);
  try {
    return (await verifyStore(storeOver(other), { signer: null }));
  } finally {
    other.close();
  }
}

/** A commit by another connection: the next check of `db` must be a full one (maxAge 0). */
function forgetCachedAnswers(): void {
  tamper("CREATE TABLE IF NOT EXISTS OutsideWrite (n INTEGER)");
  tamper("INSERT INTO OutsideWrite VALUES (1)");
}

/** Counts event-loop turns (timers) until `work` settles: zero when it blocks the thread throughout. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  try {
    const value = await work();
    return { value, turns };
  } finally {
    clearInterval(timer);
  }
}

describe("verification in slices", () => {
  it("answers what the synchronous check answers, and lets timers run meanwhile", async () => {
    const { value: sliced, turns } = await turnsDuring(() => verifyStoreInSlices(storeOver(db), { signer: null }));
    expect(sliced).toMatchObject({ ok: true, chain: { ok: true }, projection: { ok: true } });
    expect(turns).toBeGreaterThan(5);
    // The synchronous check (scripts), on a connection of its own (a full pass of its own): the same verdict, head and count.
    const sync = await syncCheck();
    expect({ ...sliced, verifiedAt: null, fullCheck: null }).toEqual({ ...sync, verifiedAt: null, fullCheck: null });
  });

  it("keeps accepting events while it runs, and verifies one consistent snapshot", async () => {
    forgetCachedAnswers();
    const headBefore = (db.prepare("SELECT MAX(seq) AS seq FROM Event").get() as { seq: number }).seq;
    const verifying = verifyStoreInSlices(storeOver(db), { signer: null });
    let accepted = 0;
    let settled = false;
    void verifying.finally(() => (settled = true));
    // Ingest on the main connection between slices, as POST requests would.
    while (!settled) {
      const runId = `0190a1b2-0000-7000-8000-${String(900_000 + accepted).padStart(12, "0")}`;
      const [result] = await ingestEvents(storeOver(db), [runEvent({ runId, job: "during-verification" })], { sender: "tests", receivedAt: RECEIVED_AT });
      expect(result.status).toBe("created");
      accepted++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await verifying;
    expect(accepted).toBeGreaterThan(0);
    expect(result.ok).toBe(true);
    // It checked the store as it was when it began (events written later are not half-counted)...
    expect(result.head?.seq).toBeGreaterThanOrEqual(headBefore);
    expect(result.head?.seq).toBeLessThan(headBefore + accepted);
    // ...and the next request follows the appends made meanwhile without a full check.
    const next = await verifyStoreInSlices(storeOver(db), { signer: null });
    expect(next).toMatchObject({ ok: true, head: { seq: headBefore + accepted } });
  });

  it("gives concurrent callers one run and one answer", async () => {
    forgetCachedAnswers();
    const [a, b] = await Promise.all([verifyStoreInSlices(storeOver(db), { signer: null }), verifyStoreInSlices(storeOver(db), { signer: null })]);
    expect(a.ok).toBe(true);
    expect(b.verifiedAt).toBe(a.verifiedAt);
  });

  it("names the same broken record as the synchronous check on a tampered store", async () => {
    const row = db.prepare("SELECT nodeId, key, reason FROM DatasetVersion ORDER BY key LIMIT 1 OFFSET 40").get() as {
      nodeId: number;
      key: string;
      reason: string | null;
    };
    tamper("UPDATE DatasetVersion SET reason = 'edited behind Threadline''s back' WHERE nodeId = ?", row.nodeId);
    try {
      const sliced = await verifyStoreInSlices(storeOver(db), { signer: null });
      const sync = await syncCheck();
      expect(sliced.ok).toBe(false);
      expect(sliced.projection?.firstDifference).toMatchObject({ table: "DatasetVersion", key: row.key });
      expect(sliced.firstBroken).toEqual(sync.firstBroken);
    } finally {
      tamper("UPDATE DatasetVersion SET reason = ? WHERE nodeId = ?", row.reason, row.nodeId);
    }
  });
});
