// One-event writes in a group commit (lib/server/ingest-event.ts), the same on every backend:
// concurrent events share transactions, and each keeps what it would get alone: its own outcome,
// its own sender in the log, a retry in the same group answered as a duplicate with the original's
// seq, an invalid event rejected alone with its field paths; the chain and the projection verify.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getLogHead, verifyChain } from "@/lib/server/event-log";
import type { IngestOutcome } from "@/lib/server/ingest";
import { groupCommitStats, ingestEvent } from "@/lib/server/ingest-event";
import { verifyProjection } from "@/lib/server/rebuild";
import { runEvent } from "../support/db";
import { BACKENDS, createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from "../support/stores";

const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const corpus = { namespace: "s3://lake", name: "corpus" };

describe.each(BACKENDS)("group commit on %s", (backend) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(backend);
  }, STORE_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.cleanup();
  });

  it("gives 60 concurrent events from 3 senders each its own outcome and sender, retries as duplicates, invalid ones alone", async () => {
    const valid = Array.from({ length: 48 }, (_, i) => runEvent({ runId: RUN(i + 1), job: `job-${i % 6}`, inputs: [corpus], outputs: [{ namespace: "s3://lake", name: `out-${i}` }] }));
    // Six retries of events in flight, with their keys in another order (the same content), and six invalid events.
    const retries = [0, 7, 14, 21, 28, 35].map((i) => Object.fromEntries(Object.entries(valid[i]!).reverse()));
    const invalid = Array.from({ length: 6 }, (_, i) => ({ ...runEvent({ runId: RUN(1_000 + i) }), eventTime: `not a time ${i}` }));
    const sends = [...valid.map((e, i) => ({ e, kind: "valid", i })), ...retries.map((e, i) => ({ e, kind: "retry", i })), ...invalid.map((e, i) => ({ e, kind: "invalid", i }))];
    // Interleaved, so retries and invalid events share groups with the valid ones.
    sends.sort((a, b) => (a.i * 7 + a.kind.length) % 13 - (b.i * 7 + b.kind.length) % 13);
    const senderOf = (n: number) => `sender-${n % 3}`;

    const before = (await getLogHead(t.store))?.seq ?? 0;
    const outcomes = await Promise.all(sends.map((s, n) => ingestEvent(t.store, s.e, { sender: senderOf(n) }).then((o) => ({ ...s, n, o }))));

    const stats = groupCommitStats(t.store)!;
    expect(stats.items).toBe(60);
    expect(stats.largestGroup, "events sent at once shared a transaction").toBeGreaterThan(1);

    const byKind = (kind: string) => outcomes.filter((x) => x.kind === kind);
    expect(byKind("invalid").map((x) => x.o.status)).toEqual(Array(6).fill("rejected"));
    for (const x of byKind("invalid")) expect(x.o.errors?.map((e) => e.path)).toContain("eventTime");

    // Of each event and its retry, one is created and one is its duplicate with the same seq.
    const seqOfRun = new Map<string, IngestOutcome[]>();
    for (const x of [...byKind("valid"), ...byKind("retry")]) {
      const runId = (x.e as { run: { runId: string } }).run.runId;
      seqOfRun.set(runId, [...(seqOfRun.get(runId) ?? []), x.o]);
    }
    expect(seqOfRun.size).toBe(48);
    for (const [runId, answers] of seqOfRun) {
      expect(answers.filter((o) => o.status === "created"), runId).toHaveLength(1);
      expect(new Set(answers.map((o) => o.seq)).size, `${runId}: one seq`).toBe(1);
      expect(answers.map((o) => o.index)).toEqual(answers.map(() => 0));
    }
    expect(outcomes.filter((x) => x.o.status === "duplicate")).toHaveLength(6);

    // Stored once each, under the sender of the request that created it.
    const head = (await getLogHead(t.store))!;
    expect(head.seq).toBe(before + 48);
    const rows = await t.store.all<{ seq: number; sender: string; runId: string }>(`SELECT seq, sender, "runId" FROM "Event" WHERE seq > ? ORDER BY seq`, [before]);
    const created = new Map(outcomes.filter((x) => x.o.status === "created").map((x) => [x.o.seq, senderOf(x.n)]));
    expect(rows.map((r) => r.sender)).toEqual(rows.map((r) => created.get(r.seq)));
    expect(new Set(rows.map((r) => r.sender))).toEqual(new Set(["sender-0", "sender-1", "sender-2"]));

    expect(await verifyChain(t.store)).toMatchObject({ ok: true, checked: head.seq });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });

  it("groups on each handle (each server) while one chain forms across them", async () => {
    const other = t.openAnother();
    const before = (await getLogHead(t.store))!.seq;
    const events = Array.from({ length: 40 }, (_, i) => runEvent({ runId: RUN(2_000 + i), job: `two-servers-${i % 4}`, inputs: [corpus] }));
    // Every event sent through both handles, as a client retrying on another server would. SQLite's
    // driver is synchronous, so two connections of one process cannot wait for each other's write
    // lock (two server processes can): there the handles take turns, a group each.
    const send = (store: typeof t.store, list: typeof events) => Promise.all(list.map((e) => ingestEvent(store, e, { sender: "test" })));
    const outcomes: IngestOutcome[] =
      backend === "postgresql"
        ? (await Promise.all([send(t.store, events), send(other, events)])).flat()
        : [...(await send(t.store, events)), ...(await send(other, events))];
    expect(outcomes.filter((o) => o.status === "created")).toHaveLength(40);
    expect(outcomes.filter((o) => o.status === "duplicate")).toHaveLength(40);
    const head = (await getLogHead(t.store))!;
    expect(head.seq).toBe(before + 40);
    expect(groupCommitStats(other)!.largestGroup).toBeGreaterThan(1);
    expect(await verifyChain(other)).toMatchObject({ ok: true, checked: head.seq, head });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });
});
