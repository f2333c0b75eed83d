// Many batches through ingestBatches, on every backend: on PostgreSQL each batch is projected ahead
// of the log's lock, onto the batch before it, while that one's statements execute. What is stored
// must be what ingestEvents stores one call at a time: the same chain (equal to SQLite's), a
// projection equal to a replay of the log, a failed batch leaving nothing of itself or of the
// batches after it, and two writers at once one unbroken chain.
import { describe, expect, it } from "vitest";

import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { getLogHead, verifyChain } from "@/lib/server/event-log";
import { ingestEvents, type IngestOutcome } from "@/lib/server/ingest";
import { ingestBatches } from "@/lib/server/ingest-batches";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import type { Queryable, Store } from "@/lib/server/store/types";
import { runEvent } from "../support/db";
import { BACKENDS, createTestStore, testStoreFor } from "../support/stores";

const RECEIVED_AT = "2026-11-24T00:00:00.000Z";
const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const options = { sender: "test", receivedAt: RECEIVED_AT };

const facet = { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json" };
const datasetEvent = (time: string, name: string, facets: Record<string, unknown>) => ({
  eventTime: time,
  producer: "https://threadline.dev/tests",
  schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
  dataset: { namespace: "tests", name, facets },
});

/**
 * Every kind of row the projection writes, spread over batches that build on each other: the demo
 * story (jobs, runs, datasets, versions, column lineage, provenance), then a version re-stated, a
 * run failing outputs stored by an earlier batch, a flag, an event repeated in a later batch, and
 * an invalid event among valid ones.
 */
function eventsOfEveryKind(): unknown[] {
  const demo = buildDrugDiscoveryEvents();
  const shared = { namespace: "tests", name: "shared", facets: { version: { ...facet, datasetVersion: "v1" } } };
  return [
    ...demo,
    runEvent({ runId: RUN(1), job: "load", time: "2026-12-01T10:00:00Z", outputs: [shared] }),
    runEvent({ runId: RUN(2), job: "use", time: "2026-12-01T11:00:00Z", inputs: [shared], outputs: [{ namespace: "tests", name: "derived" }] }),
    datasetEvent("2026-12-01T12:00:00Z", "shared", { version: { ...facet, datasetVersion: "v1" }, schema: { ...facet, fields: [{ name: "a", type: "string" }] } }),
    runEvent({ eventType: "FAIL", runId: RUN(2), job: "use", time: "2026-12-01T13:00:00Z", runFacets: { errorMessage: { ...facet, message: "disk full", programmingLanguage: "python" } } }),
    datasetEvent("2026-12-01T14:00:00Z", "derived", { threadline_flag: { flagId: "batches-flag", action: "add", kind: "bias", severity: "high", reason: "r", by: "tests" } }),
    demo[3],
    { ...runEvent({ runId: "not-a-uuid" }), eventTime: "yesterday" },
    runEvent({ runId: RUN(3), job: "use", time: "2026-12-01T15:00:00Z", inputs: [shared, { namespace: "tests", name: "derived" }] }),
  ];
}

function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let at = 0; at < items.length; at += size) batches.push(items.slice(at, at + size));
  return batches;
}

/** The store with one statement failing in its `transaction`-th transaction: the first whose text includes `text`. */
function failingIn(store: Store, transaction: number, text: string): Store {
  let count = 0;
  const failing = (tx: Queryable, isFailing: boolean): Queryable => {
    const fails = (sql: string) => isFailing && sql.includes(text);
    const lost = () => Promise.reject(new Error(`lost the connection on ${text}`));
    return {
      dialect: tx.dialect,
      all: (sql, params) => (fails(sql) ? lost() : tx.all(sql, params)),
      values: (sql, params) => (fails(sql) ? lost() : tx.values(sql, params)),
      get: (sql, params) => (fails(sql) ? lost() : tx.get(sql, params)),
      run: (sql, params) => (fails(sql) ? lost() : tx.run(sql, params)),
    };
  };
  return { ...store, transaction: (work) => store.transaction((tx) => work(failing(tx, ++count === transaction))) };
}

/**
 * The store with each commit held back a while after the transaction's statements are answered, so
 * the next batch is always projected before the one it builds on is committed (its reads cannot
 * see that batch's rows).
 */
function slowCommits(store: Store): Store {
  return {
    ...store,
    transaction: (work) =>
      store.transaction(async (tx) => {
        const result = await work(tx);
        await new Promise((resolve) => setTimeout(resolve, 40));
        return result;
      }),
  };
}

describe.each(BACKENDS)("batches overlapped on %s", (backend) => {
  const t = testStoreFor(backend);

  it("stores every kind of row as ingestEvents does one call at a time: the same outcomes, SQLite's chain, a projection equal to a replay", async () => {
    const events = eventsOfEveryKind();
    const batches = inBatches(events, 9);
    const outcomes: IngestOutcome[][] = [];
    const ahead: boolean[] = [];
    await ingestBatches(slowCommits(t.store), batches, options, (o, index, how) => {
      outcomes.push(o);
      ahead.push(how.isProjectedAhead);
      expect(index).toBe(outcomes.length - 1);
    });

    // The same batches one call each, on the same backend and on SQLite.
    const reference = await createTestStore(backend);
    const sqlite = await createTestStore("sqlite");
    try {
      const expected: IngestOutcome[][] = [];
      for (const batch of batches) expected.push(await ingestEvents(reference.store, batch, options));
      for (const batch of batches) await ingestEvents(sqlite.store, batch, options);
      expect(outcomes).toEqual(expected);
      expect(outcomes.flat().filter((o) => o.status === "duplicate")).toHaveLength(1);
      expect(outcomes.flat().filter((o) => o.status === "rejected")).toHaveLength(1);
      expect(await projectionSnapshot(t.store)).toEqual(await projectionSnapshot(reference.store));
      // The chain hashes the events' canonical JSON only: the same events in the same order, the same chain.
      expect(await getLogHead(t.store)).toEqual(await getLogHead(sqlite.store));
    } finally {
      await reference.cleanup();
      await sqlite.cleanup();
    }
    // On PostgreSQL the overlapped path itself was taken (most batches projected ahead of the lock);
    // the flag's batch needs a write's answer ahead of the lock, and is projected again under it.
    if (backend === "postgresql") {
      expect(ahead.filter(Boolean).length).toBeGreaterThan(batches.length / 2);
      expect(ahead).toContain(false);
    } else expect(ahead).not.toContain(true);

    expect(await verifyChain(t.store)).toMatchObject({ ok: true });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
    const live = await projectionSnapshot(t.store);
    await replayLog(t.store);
    expect(await projectionSnapshot(t.store)).toEqual(live);
  });

  it("leaves nothing of a batch whose write fails nor of the batches after it, keeps the ones before, and the call sent again stores the rest", async () => {
    const before = (await getLogHead(t.store))?.seq ?? 0;
    const events = Array.from({ length: 60 }, (_, i) =>
      runEvent({
        runId: RUN(100 + i),
        job: `job-${i % 4}`,
        time: `2026-12-02T10:${String(i).padStart(2, "0")}:00Z`,
        inputs: [{ namespace: "s3://raw", name: `raw-${i % 5}` }],
        outputs: [{ namespace: "s3://out", name: `out-${i}` }],
      }),
    );
    const batches = inBatches(events, 10);
    for (const table of ["Edge", "Event", "RunDataset"]) {
      const head = await getLogHead(t.store);
      const snapshot = await projectionSnapshot(t.store);
      const heard: number[] = [];
      await expect(ingestBatches(failingIn(t.store, 3, `INSERT INTO "${table}"`), batches, options, (_o, index) => heard.push(index))).rejects.toThrow(`on INSERT INTO "${table}"`);
      if (table === "Edge") {
        // The first run: batches 0 and 1 stored, 2 failed, 3 to 5 never stored.
        expect(heard).toEqual([0, 1]);
        expect((await getLogHead(t.store))!.seq).toBe(before + 20);
      } else {
        // Later runs: batches 0 and 1 are duplicates now (no rows), 2 fails again.
        expect(await getLogHead(t.store)).toEqual(head);
        expect(await projectionSnapshot(t.store)).toEqual(snapshot);
      }
      expect(await verifyProjection(t.store)).toEqual({ ok: true });
    }
    const outcomes: IngestOutcome[] = [];
    await ingestBatches(t.store, batches, options, (o) => outcomes.push(...o));
    expect(outcomes.map((o) => o.status)).toEqual([...events.slice(0, 20).map(() => "duplicate"), ...events.slice(20).map(() => "created")]);
    expect((await getLogHead(t.store))!.seq).toBe(before + 60);
    expect(await verifyChain(t.store)).toMatchObject({ ok: true });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });

  it("keeps one unbroken chain when two writers send overlapping batches at once, each event stored once", async () => {
    const other = t.openAnother();
    const before = (await getLogHead(t.store))?.seq ?? 0;
    const events = Array.from({ length: 80 }, (_, i) =>
      runEvent({ runId: RUN(300 + i), job: `both-${i % 5}`, time: `2026-12-03T10:${String(i % 60).padStart(2, "0")}:00Z`, inputs: [{ namespace: "s3://raw", name: `raw-${i % 7}` }], outputs: [{ namespace: "s3://both", name: `both-${i}` }] }),
    );
    // One writer the events in order in batches of 10, the other in reverse in batches of 7: on
    // PostgreSQL at the same time (each finds the head moved by the other and projects again under
    // the lock); on SQLite one after the other.
    const first: IngestOutcome[] = [];
    const second: IngestOutcome[] = [];
    const a = () => ingestBatches(t.store, inBatches(events, 10), options, (o) => first.push(...o));
    const b = () => ingestBatches(other, inBatches([...events].reverse(), 7), options, (o) => second.push(...o));
    if (backend === "postgresql") await Promise.all([a(), b()]);
    else {
      await a();
      await b();
    }
    const all = [...first, ...second];
    expect(all.filter((o) => o.status === "created")).toHaveLength(80);
    expect(all.filter((o) => o.status === "duplicate")).toHaveLength(80);
    const head = (await getLogHead(t.store))!;
    expect(head.seq).toBe(before + 80);
    expect(await verifyChain(other)).toMatchObject({ ok: true, checked: head.seq, head });
    expect(await verifyProjection(t.store)).toEqual({ ok: true });
  });
});
