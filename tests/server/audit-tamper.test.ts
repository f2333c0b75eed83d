import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_STORY } from "@/lib/demo/drug-discovery";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { verifyStore } from "@/lib/server/verification";
import { ingestEvents } from "@/lib/server/ingest";
import { createTestDatabase, runEvent, writeBehindThreadlinesBack, ingestDemoStory } from "../support/db";

/**
 * Someone edits the database file behind Threadline's back, as the sqlite3 shell would: a plain
 * UPDATE through another connection. Verification must name the first broken record, and notice
 * the edit although the log head did not move.
 */

let db: Sqlite;
let file: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ db, file, cleanup } = createTestDatabase());
  await ingestDemoStory(db);
});
afterAll(() => cleanup());

/** Edits the store through another connection, as the sqlite3 shell would. */
const tamper = (sql: string, ...params: unknown[]) => writeBehindThreadlinesBack(file, sql, ...params);

describe("verification of an untouched store", () => {
  it("reports ok with the head and the number of events checked", async () => {
    const result = (await verifyStore(storeOver(db), { signer: null }));
    const head = db.prepare("SELECT seq, hash FROM Event ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string };
    expect(result).toMatchObject({ ok: true, checked: head.seq, head, chain: { ok: true }, projection: { ok: true } });
    expect(result.firstBroken).toBeUndefined();
  });
});

describe("a log row edited behind Threadline's back", () => {
  let original: string;
  let seq: number;
  beforeEach(async () => {
    // A COMPLETE event from the middle of the log, so a later record exists to chain onto it.
    seq = (db.prepare("SELECT seq FROM Event WHERE eventType = 'COMPLETE' ORDER BY seq LIMIT 1 OFFSET 10").get() as { seq: number }).seq;
    original = (db.prepare("SELECT payload FROM Event WHERE seq = ?").get(seq) as { payload: string }).payload;
    return () => tamper("UPDATE Event SET payload = ? WHERE seq = ?", original, seq);
  });

  it("is named as the first broken record, with a reason", async () => {
    tamper("UPDATE Event SET payload = replace(payload, 'COMPLETE', 'ABORT') WHERE seq = ?", seq);
    const result = (await verifyStore(storeOver(db), { signer: null }));
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq, reason: "its content does not match its content hash" });
    expect(result.chain.firstBroken?.seq).toBe(seq);
  });

  it("is caught even when the forger recomputes that row's own hashes: the next link breaks", async () => {
    // A careful forger fixes contentHash and hash of the edited row; the row after it still points at the old hash.
    const edited = original.replace("COMPLETE", "ABORT");
    const prev = (db.prepare("SELECT prevHash FROM Event WHERE seq = ?").get(seq) as { prevHash: string }).prevHash;
    const content = createHash("sha256").update(edited).digest("hex");
    const chained = createHash("sha256").update(prev).update(edited).digest("hex");
    const before = db.prepare("SELECT contentHash, hash FROM Event WHERE seq = ?").get(seq) as { contentHash: string; hash: string };
    tamper("UPDATE Event SET payload = ?, contentHash = ?, hash = ? WHERE seq = ?", edited, content, chained, seq);
    try {
      const result = (await verifyStore(storeOver(db), { signer: null }));
      expect(result.ok).toBe(false);
      expect(result.firstBroken).toEqual({ seq: seq + 1, reason: "its previous hash does not match the record before it" });
    } finally {
      tamper("UPDATE Event SET contentHash = ?, hash = ? WHERE seq = ?", before.contentHash, before.hash, seq);
    }
  });

  it("verifies again once the row is put back", async () => {
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
  });
});

describe("a projection row edited behind Threadline's back", () => {
  const runId = DEMO_STORY.failedBatchRun.slice("run:".length);

  it("is reported with its table, row and the event that created it, and makes ok false", async () => {
    const before = db.prepare("SELECT state, errorMessage FROM Run WHERE runId = ?").get(runId) as { state: string };
    const createdBy = (db.prepare("SELECT seq FROM Node WHERE key = ?").get(DEMO_STORY.failedBatchRun) as { seq: number }).seq;
    tamper("UPDATE Run SET state = 'FAILED' WHERE runId = ?", runId);
    try {
      const result = (await verifyStore(storeOver(db), { signer: null }));
      expect(result.ok).toBe(false);
      expect(result.chain.ok).toBe(true);
      expect(result.projection?.firstDifference).toEqual({
        table: "Run",
        key: runId,
        reason: "row differs from a replay of the log",
        seq: createdBy,
      });
      expect(result.firstBroken?.seq).toBe(createdBy);
      expect(result.firstBroken?.reason).toContain(`projection Run row ${runId}`);
    } finally {
      tamper("UPDATE Run SET state = ? WHERE runId = ?", before.state, runId);
    }
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
  });

  it("is reported when an edge is deleted", async () => {
    const edge = db.prepare("SELECT sourceId, targetId, seq FROM Edge ORDER BY seq DESC LIMIT 1").get() as {
      sourceId: number;
      targetId: number;
      seq: number;
    };
    tamper("DELETE FROM Edge WHERE sourceId = ? AND targetId = ?", edge.sourceId, edge.targetId);
    try {
      const result = (await verifyStore(storeOver(db), { signer: null }));
      expect(result.ok).toBe(false);
      expect(result.projection?.firstDifference).toMatchObject({ table: "Edge", reason: expect.stringMatching(/row/) });
    } finally {
      tamper("INSERT INTO Edge (sourceId, targetId, seq) VALUES (?, ?, ?)", edge.sourceId, edge.targetId, edge.seq);
    }
  });

  it("is skipped, by request, when only the chain is wanted", async () => {
    const { description } = db.prepare("SELECT description FROM Dataset WHERE key = ?").get(DEMO_STORY.biasedAssays) as { description: string | null };
    tamper("UPDATE Dataset SET description = 'edited' WHERE key = ?", DEMO_STORY.biasedAssays);
    try {
      expect((await verifyStore(storeOver(db), { projection: false, signer: null }))).toMatchObject({ ok: true, projection: null });
      expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(false);
    } finally {
      tamper("UPDATE Dataset SET description = ? WHERE key = ?", description, DEMO_STORY.biasedAssays);
    }
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
  });
});

describe("verification as the log grows", () => {
  it("follows Threadline's own appends to the new head, then still catches an edit behind its back", async () => {
    const before = (await verifyStore(storeOver(db), { signer: null }));
    expect(before.ok).toBe(true);
    await ingestEvents(storeOver(db), [runEvent({ runId: "0190a1b2-0000-7000-8000-0000000000c1", job: "late-job", time: "2026-11-20T10:00:00Z" })], { sender: "test" });
    const after = (await verifyStore(storeOver(db), { signer: null }));
    const head = db.prepare("SELECT seq, hash FROM Event ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string };
    expect(after).toMatchObject({ ok: true, checked: before.checked + 1, head, chain: { ok: true, checked: before.checked + 1 } });

    const { payload } = db.prepare("SELECT payload FROM Event WHERE seq = 3").get() as { payload: string };
    tamper("UPDATE Event SET payload = ? WHERE seq = 3", `${payload} `);
    try {
      expect((await verifyStore(storeOver(db), { signer: null })).firstBroken?.seq).toBe(3);
    } finally {
      tamper("UPDATE Event SET payload = ? WHERE seq = 3", payload);
    }
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
  });

  it("lets a caller accept a recent full check after another connection wrote, and checks in full otherwise", async () => {
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
    const { payload } = db.prepare("SELECT payload FROM Event WHERE seq = 3").get() as { payload: string };
    tamper("UPDATE Event SET payload = ? WHERE seq = 3", `${payload} `);
    try {
      // The badge's tolerance: a full check a minute old still stands for foreign writes...
      expect((await verifyStore(storeOver(db), { signer: null, maxAgeMs: 60_000 })).ok).toBe(true);
      // ...but the audit page and the API check in full, and then the badge sees it too.
      expect((await verifyStore(storeOver(db), { signer: null })).firstBroken?.seq).toBe(3);
      expect((await verifyStore(storeOver(db), { signer: null, maxAgeMs: 60_000 })).firstBroken?.seq).toBe(3);
    } finally {
      tamper("UPDATE Event SET payload = ? WHERE seq = 3", payload);
    }
    expect((await verifyStore(storeOver(db), { signer: null })).ok).toBe(true);
  });
});
