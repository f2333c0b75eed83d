// One-event writes in a group commit (lib/server/ingest-event.ts), the same on every backend:
// concurrent events share transactions, and each keeps what it would get alone: its own outcome,
// its own sender in the log, a retry in the same group answered as a duplicate with the original's
// seq, an invalid event rejected alone with its field paths; the chain and the projection verify.
import { describe, expect, it } from "vitest";

import { getLogHead, verifyChain } from "@/lib/server/event-log";
import type { IngestOutcome } from "@/lib/server/ingest";
import { groupCommitStats, ingestEvent } from "@/lib/server/ingest-event";
import { verifyProjection } from "@/lib/server/rebuild";
import { runEvent } from "../support/db";
import { BACKENDS, testStoreFor } from "../support/stores";

const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const corpus = { namespace: "s3://lake", name: "corpus" };

describe.each(BACKENDS)("group commit on %s", (backend) => {
  const t = testStoreFor(backend);

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
    expect(stats.items, "the 6 invalid events never joined a group").toBe(54);
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

  it("answers an invalid event at once, before the group it arrived with commits, and never hands it to a group", async () => {
    const itemsBefore = groupCommitStats(t.store)?.items ?? 0;
    const before = (await getLogHead(t.store))?.seq ?? 0;
    const settled: string[] = [];
    const send = (name: string, event: unknown) => ingestEvent(t.store, event, { sender: "test" }).then((o) => (settled.push(name), o));
    const valid = Array.from({ length: 5 }, (_, i) => send(`valid-${i}`, runEvent({ runId: RUN(4_000 + i), job: "early-answer" })));
    const invalid = send("invalid", { ...runEvent({ runId: RUN(4_100) }), run: { runId: "not a uuid" } });
    const answered = await invalid;
    expect(answered.status).toBe("rejected");
    expect(answered.errors?.map((e) => e.path)).toContain("run.runId");
    expect(settled, "the invalid event is answered while the valid ones still wait for their commit").toEqual(["invalid"]);
    expect((await Promise.all(valid)).map((o) => o.status)).toEqual(Array(5).fill("created"));
    expect(groupCommitStats(t.store)!.items - itemsBefore, "only the valid events were submitted to a group").toBe(5);
    expect((await getLogHead(t.store))!.seq).toBe(before + 5);
  });

  it("answers no event of a group whose transaction fails as stored: the event that broke it fails alone, the others commit", async () => {
    // A real database refusal of one sender's events (a trigger), so the group's transaction fails.
    if (backend === "sqlite") {
      await t.store.run(`CREATE TRIGGER refuse_poison BEFORE INSERT ON "Event" WHEN NEW.sender = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END`);
    } else {
      await t.store.run(
        `CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN IF NEW.sender = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await t.store.run(`CREATE TRIGGER refuse_poison BEFORE INSERT ON "Event" FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    }
    try {
      const before = (await getLogHead(t.store))!.seq;
      const groupsBefore = groupCommitStats(t.store)!.groupsRetriedAlone;
      const events = Array.from({ length: 6 }, (_, i) => runEvent({ runId: RUN(3_000 + i), job: "poison-group" }));
      const settled = await Promise.allSettled(events.map((e, i) => ingestEvent(t.store, e, { sender: i === 2 ? "poison" : "test" })));
      expect(groupCommitStats(t.store)!.groupsRetriedAlone).toBe(groupsBefore + 1);
      expect(settled.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
      expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/poison refused/);
      expect((await getLogHead(t.store))!.seq).toBe(before + 5);

      // Every event of a group refused: every request gets the error, nothing is stored.
      const refused = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) => ingestEvent(t.store, runEvent({ runId: RUN(3_100 + i), job: "poison-group" }), { sender: "poison" })),
      );
      expect(refused.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected", "rejected"]);
      expect((await getLogHead(t.store))!.seq).toBe(before + 5);
      expect(await verifyChain(t.store)).toMatchObject({ ok: true });
      expect(await verifyProjection(t.store)).toEqual({ ok: true });
    } finally {
      await t.store.run(`DROP TRIGGER refuse_poison${backend === "postgresql" ? ` ON "Event"` : ""}`);
      if (backend === "postgresql") await t.store.run(`DROP FUNCTION refuse_poison()`);
    }
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
