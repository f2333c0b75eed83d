/**
 * The write path's speed-ups must not change what is stored. ingestEvents now projects a whole
 * batch with one ProjectionCache (rows read once per transaction, written through) and chains the
 * log from the head it keeps in memory; rebuild replays with a cache too. These tests ingest the
 * benchmark's generated GenAI world — with flags, failing runs and evaluations, START events that
 * name inputs, retries and unversioned inputs mixed in — and require the batched store, an
 * event-at-a-time store and a replay of the log to agree row for row.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { ProjectionCache, projectEvent, toUtc } from "@/lib/server/projection";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { generateGenAiLineage } from "@/scripts/bench/lib/genai-lineage";
import { createTestDatabase } from "../support/db";

const RECEIVED_AT = "2026-11-24T00:00:00.000Z";

const BASE = { producer: "https://threadline.dev/tests", schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent" };
const uuid = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;

/**
 * Events that read rows the same batch wrote a moment before, where a stale cache entry would
 * store something else: a job's runs arriving out of start order, a version failed by its run,
 * then by an evaluation, then flagged failed and failed again by another evaluation.
 */
function sameBatchCases(): Record<string, unknown>[] {
  const job = (name: string) => ({ namespace: "cases", name });
  const out = { namespace: "cases", name: "x", facets: { version: { datasetVersion: "x1" } } };
  const failingEval = (runId: string, time: string, check: string) => ({
    ...BASE,
    eventType: "COMPLETE",
    eventTime: time,
    run: { runId, facets: { threadline_evaluation: { passed: false, checks: [{ name: check, passed: false }] } } },
    job: job(`evaluate-${check}`),
    inputs: [{ namespace: "cases", name: "x" }],
    outputs: [],
  });
  return [
    // Latest run of a job: starts at 10:00, then 09:00, then 09:30 -> the 10:00 run stays latest.
    { ...BASE, eventType: "START", eventTime: "2025-12-01T10:00:00Z", run: { runId: uuid(1) }, job: job("train") },
    { ...BASE, eventType: "START", eventTime: "2025-12-01T09:00:00Z", run: { runId: uuid(2) }, job: job("train") },
    { ...BASE, eventType: "START", eventTime: "2025-12-01T09:30:00Z", run: { runId: uuid(3) }, job: job("train") },
    // x1 is made by a failed run, then two evaluations fail it, then a flag, then one more check.
    {
      ...BASE,
      eventType: "FAIL",
      eventTime: "2025-12-01T11:00:00Z",
      run: { runId: uuid(4), facets: { errorMessage: { message: "OOM", programmingLanguage: "python" } } },
      job: job("make-x"),
      outputs: [out],
    },
    failingEval(uuid(5), "2025-12-01T12:00:00Z", "toxicity"),
    failingEval(uuid(6), "2025-12-01T12:10:00Z", "bias"),
    {
      eventTime: "2025-12-01T12:20:00Z",
      producer: BASE.producer,
      schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      dataset: { ...out, facets: { ...out.facets, threadline_flag: { flagId: "case-flag", action: "add", kind: "failed", severity: "high", reason: "r", by: "tests" } } },
    },
    failingEval(uuid(7), "2025-12-01T12:30:00Z", "leakage"),
  ];
}

/** The generated world with the cases the cache must get right spliced in. */
function workload(targetEdges: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = sameBatchCases();
  const produced: { namespace: string; name: string; version: string }[] = [];
  let flags = 0;
  let i = 0;
  for (const event of generateGenAiLineage({ targetEdges, seed: 11 })) {
    events.push(event as unknown as Record<string, unknown>);
    if (event.eventType === "COMPLETE" || event.eventType === "FAIL") {
      for (const o of event.outputs ?? []) {
        const named = (o.facets?.version as { datasetVersion?: string } | undefined)?.datasetVersion;
        produced.push({ namespace: o.namespace, name: o.name, version: named ?? event.run!.runId });
      }
    }
    i++;
    // A flag now and then on a recent version: `failed` flags write DatasetVersion outside the
    // projector, so the cached versions must be dropped; later events mark versions failed again.
    if (i % 97 === 0 && produced.length > 0) {
      const target = produced[produced.length - 1 - (i % Math.min(produced.length, 5))]!;
      flags++;
      events.push({
        eventTime: event.eventTime,
        producer: "https://threadline.dev/tests",
        schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        dataset: {
          namespace: target.namespace,
          name: target.name,
          facets: {
            // Every third names no version: it flags the dataset's latest, which the same batch may
            // have just moved (the pending latest version must reach the database first).
            ...(flags % 3 === 0 ? {} : { version: { datasetVersion: target.version } }),
            threadline_flag: {
              flagId: `flag-${flags % 7}`,
              action: flags % 5 === 4 ? "remove" : "add",
              kind: flags % 2 === 0 ? "failed" : "bias",
              severity: "high",
              reason: `check ${flags}`,
              by: "tests",
            },
          },
        },
      });
    }
    // A client retry: the same event again, a no-op.
    if (i % 131 === 0) events.push(event as unknown as Record<string, unknown>);
  }
  // A run whose START names its inputs (one of them at an explicit version) and whose COMPLETE
  // does not: COMPLETE must resolve them to what START recorded, through the cache.
  const runId = "0190a1b2-0000-7000-8000-0000000000c1";
  const base = BASE;
  const job = { namespace: "tests", name: "late-reader" };
  const [a, b] = produced.slice(-2);
  events.push({
    ...base,
    eventType: "START",
    eventTime: "2030-01-01T00:00:00Z",
    run: { runId },
    job,
    inputs: [
      { namespace: a!.namespace, name: a!.name },
      { namespace: b!.namespace, name: b!.name, facets: { version: { datasetVersion: b!.version } } },
      { namespace: "tests", name: "never-written" },
    ],
  });
  events.push({
    ...base,
    eventType: "FAIL",
    eventTime: "2030-01-01T01:00:00Z",
    run: { runId, facets: { errorMessage: { message: "boom", programmingLanguage: "python" } } },
    job,
    inputs: [{ namespace: a!.namespace, name: a!.name }, { namespace: b!.namespace, name: b!.name }, { namespace: "tests", name: "never-written" }],
    outputs: [{ namespace: "tests", name: "late-output" }],
  });
  return events;
}

async function ingestInBatches(db: Sqlite, events: readonly Record<string, unknown>[], size: number) {
  for (let start = 0; start < events.length; start += size) {
    const outcomes = await ingestEvents(storeOver(db), events.slice(start, start + size), { sender: "tests", receivedAt: RECEIVED_AT });
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
  }
}

let stores: ReturnType<typeof createTestDatabase>[] = [];
const open = () => {
  const store = createTestDatabase();
  stores.push(store);
  return store.db;
};
beforeEach(async () => {
  stores = [];
});
afterEach(() => {
  for (const s of stores) s.cleanup();
});

describe("ingestEvents with a projection cache per transaction", () => {
  // About 1,500 events: big enough for hub datasets, fan-in and loops, small enough for CI.
  const events = workload(2_500);

  it("stores the same log and projection whether events come in batches of 500 or one at a time", async () => {
    const batched = open();
    const single = open();
    await ingestInBatches(batched, events, 500);
    await ingestInBatches(single, events, 1);

    const log = (db: Sqlite) => db.prepare("SELECT seq, contentHash, payload, prevHash, hash FROM Event ORDER BY seq").all();
    expect(log(batched)).toEqual(log(single));
    expect((await verifyChain(storeOver(batched))).ok).toBe(true);
    expect((await projectionSnapshot(storeOver(batched)))).toEqual((await projectionSnapshot(storeOver(single))));
    // The workload really exercised flags, failures and the late reader.
    expect((batched.prepare("SELECT COUNT(*) AS n FROM Flag").get() as { n: number }).n).toBeGreaterThan(3);
    expect((batched.prepare("SELECT COUNT(*) AS n FROM DatasetVersion WHERE isFailed = 1").get() as { n: number }).n).toBeGreaterThan(10);
    const late = batched
      .prepare("SELECT datasetVersionKey FROM RunDataset WHERE runId = ? AND direction = 'input' ORDER BY datasetVersionKey")
      .all("0190a1b2-0000-7000-8000-0000000000c1");
    expect(late).toHaveLength(3);
    // The same-batch cases came out as an event-at-a-time store has them.
    expect(batched.prepare("SELECT latestRunId FROM Job WHERE key = 'job:cases:train'").get()).toEqual({ latestRunId: uuid(1) });
    const x = batched.prepare("SELECT failureReasons FROM DatasetVersion WHERE key = 'datasetVersion:cases:x:x1'").get() as { failureReasons: string };
    expect((JSON.parse(x.failureReasons) as unknown[]).length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("stores what a replay of its own log derives (rebuild == live)", async () => {
    const db = open();
    await ingestInBatches(db, events, 1_000);
    const live = (await projectionSnapshot(storeOver(db)));
    expect((await verifyProjection(storeOver(db)))).toEqual({ ok: true });
    await replayLog(storeOver(db));
    expect((await projectionSnapshot(storeOver(db)))).toEqual(live);
  }, 60_000);

  it("projects the same with one cache for many events as with a fresh cache per event", async () => {
    const shared = open();
    const fresh = open();
    await ingestInBatches(shared, events.slice(0, 600), 600);
    const rows = shared.prepare<[], { seq: number; kind: string; payload: string }>("SELECT seq, kind, payload FROM Event ORDER BY seq").all();
    // Same log into a second store, projected event by event without sharing anything.
    fresh.prepare("ATTACH DATABASE ? AS src").run(stores[0]!.file);
    fresh
      .prepare(
        `INSERT INTO Event (seq, contentHash, kind, eventType, eventTime, receivedAt, producer, sender, runId, jobKey, payload, prevHash, hash)
         SELECT seq, contentHash, kind, eventType, eventTime, receivedAt, producer, sender, runId, jobKey, payload, prevHash, hash FROM src.Event`,
      )
      .run();
    fresh.prepare("DETACH DATABASE src").run();
    await storeOver(fresh).transaction(async (tx) => {
      // No cache: each event's rows are written before the next is projected.
      for (const row of rows) await projectEvent(tx, row.seq, row.kind as "RunEvent", JSON.parse(row.payload) as never);
    });
    expect((await projectionSnapshot(storeOver(fresh)))).toEqual((await projectionSnapshot(storeOver(shared))));
  }, 60_000);
});

describe("ProjectionCache", () => {
  it("counts its entries and forgets them all on clear", async () => {
    const cache = new ProjectionCache();
    cache.nodeIds.set("dataset:a:b", 1);
    cache.edges.add("1>2");
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("refuses to be cleared while rows wait to be written, which would lose them", async () => {
    const cache = new ProjectionCache();
    cache.pending.eventNodes.push([1, 1]);
    expect(() => cache.clear()).toThrow(/flushed/);
  });
});


describe("toUtc", () => {
  it("answers a time already in UTC as it is, and rolls days 29-31 and 24:00 over as Date does", () => {
    expect(toUtc("2025-12-01T10:00:00.000Z")).toBe("2025-12-01T10:00:00.000Z");
    expect(toUtc("2025-12-01T10:00:00Z")).toBe("2025-12-01T10:00:00.000Z");
    expect(toUtc("2025-12-01T12:00:00+02:00")).toBe("2025-12-01T10:00:00.000Z");
    for (const time of ["2025-02-30T00:00:00.000Z", "2025-02-29T23:00:00.000Z", "2024-12-31T24:00:00.000Z", "2025-01-31T23:59:59.999Z"]) {
      expect(toUtc(time)).toBe(new Date(Date.parse(time)).toISOString());
    }
    expect(toUtc("2025-02-30T00:00:00.000Z")).toBe("2025-03-02T00:00:00.000Z");
    expect(toUtc("yesterday")).toBe("yesterday");
  });
});
