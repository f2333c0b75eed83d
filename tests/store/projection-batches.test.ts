// A batch projects its events one after another from one cache: a later event merges its facets
// onto what an earlier event of the same batch left there (held as the merged facets themselves, not
// a parse of their text), and onto rows another writer changed between two batches. Whatever the
// batching, the projection must be the one each event gives alone, and the one a replay of the log
// gives (which projects the stored, key-sorted text of every event).
import { describe, expect, it } from "vitest";

import { ingestEvents } from "@/lib/server/ingest";
import { ingestBatches } from "@/lib/server/ingest-batches";
import { projectionSnapshot, replayLog } from "@/lib/server/rebuild";
import type { Store } from "@/lib/server/store/types";
import { runEvent } from "../support/db";
import { BACKENDS, createTestStore, STORE_SETUP_TIMEOUT_MS } from "../support/stores";

const options = { sender: "tests", receivedAt: "2026-12-07T00:00:00.000Z" };
const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const producer = { _producer: "https://threadline.dev/tests", _schemaURL: "https://openlineage.io/spec/facets/1-0-0/Facet.json" };

/** Facets written the way producers write them: keys out of canonical order at every depth, index-like keys among them. */
const jobFacets = (integration: string) => ({
  jobType: { processingType: "BATCH", integration, jobType: "TRANSFORM", ...producer },
  documentation: { description: `loads with ${integration}`, ...producer },
});
const generation = (temperature: number) => ({
  // Parameters are listed in the order of the sampling keys: the order a parse of the stored text gives.
  threadline_generation: { ...producer, sampling: { top_p: 0.9, temperature, "10": 1, "9": 2, max_tokens: 256 }, model: "m-1", seed: 7 },
});
const modelOut = (description: string) => ({
  namespace: "hf://models",
  name: "scorer",
  facets: { datasetType: { datasetType: "MODEL", ...producer }, documentation: { description, ...producer }, schema: { ...producer, fields: [{ type: "string", name: "b" }, { name: "a", type: "int" }] } },
});

function job(event: Record<string, unknown>, integration: string): Record<string, unknown> {
  return { ...event, job: { namespace: "tests", name: "train", facets: jobFacets(integration) } };
}

/**
 * Batch 1: a run starts and completes, its later events merging onto its earlier ones' run, job
 * and output facets. Between the batches another writer changes the job's and the model's facets.
 * Batch 2: the same job's next run reads the model and re-sends the run's facets of batch 1.
 */
function story(): { first: unknown[]; other: unknown[]; second: unknown[] } {
  const first = [
    job(runEvent({ eventType: "START", runId: RUN(1), time: "2026-12-01T10:00:00Z", runFacets: generation(0.2), outputs: [modelOut("first")] }), "SPARK"),
    job(runEvent({ eventType: "RUNNING", runId: RUN(1), time: "2026-12-01T10:01:00Z", runFacets: { nominalTime: { nominalStartTime: "2026-12-01T10:00:00Z", ...producer } } }), "SPARK"),
    job(runEvent({ runId: RUN(1), time: "2026-12-01T10:02:00Z", runFacets: generation(0.3), outputs: [modelOut("second")] }), "SPARK"),
  ];
  const other = [
    job(runEvent({ runId: RUN(2), time: "2026-12-01T11:00:00Z", runFacets: generation(0.5), outputs: [modelOut("by another writer")] }), "DBT"),
  ];
  const second = [
    job(runEvent({ eventType: "START", runId: RUN(3), time: "2026-12-01T12:00:00Z", runFacets: generation(0.3), inputs: [{ namespace: "hf://models", name: "scorer" }] }), "DBT"),
    job(runEvent({ runId: RUN(3), time: "2026-12-01T12:01:00Z", runFacets: { ...generation(0.3), nominalTime: { nominalStartTime: "2026-12-01T12:00:00Z", ...producer } } }), "SPARK"),
    job(runEvent({ eventType: "FAIL", runId: RUN(1), time: "2026-12-01T12:02:00Z", runFacets: { errorMessage: { message: "late", programmingLanguage: "python", ...producer } } }), "SPARK"),
  ];
  return { first, other, second };
}

async function oneAtATime(store: Store, events: readonly unknown[]): Promise<void> {
  for (const event of events) expect((await ingestEvents(store, [event], options))[0]!.status).toBe("created");
}

describe.each(BACKENDS)("a batch's events projected from one cache, on %s", (backend) => {
  it(
    "project as each event alone does, and as a replay does, also onto rows another writer changed between batches",
    async () => {
      const batched = await createTestStore(backend);
      const alone = await createTestStore(backend);
      try {
        const { first, other, second } = story();
        // No listener: the batches are stored all the same.
        await ingestBatches(batched.store, [first], options);
        await ingestEvents(batched.store, other, options);
        await ingestBatches(batched.store, [second], options);
        await oneAtATime(alone.store, [...first, ...other, ...second]);

        const live = await projectionSnapshot(batched.store);
        expect(live).toEqual(await projectionSnapshot(alone.store));
        await replayLog(batched.store);
        expect(await projectionSnapshot(batched.store)).toEqual(live);

        // What the merges must have given: the parameters in the stored text's key order, the
        // job's facets of its last event, the model's description by the last writer.
        const runs = live.Run as { runId: string; parameters: string; state: string }[];
        const run3 = runs.find((r) => r.runId === RUN(3))!;
        expect((JSON.parse(run3.parameters) as { key: string }[]).map((p) => p.key)).toEqual(["model", "seed", "9", "10", "max_tokens", "temperature", "top_p"]);
        expect(runs.find((r) => r.runId === RUN(1))!.state).toBe("FAILED");
        const jobs = live.Job as { key: string; description: string | null }[];
        expect(jobs.map((j) => j.description)).toEqual(["loads with SPARK"]);
        const datasets = live.Dataset as { name: string; description: string | null; kind: string }[];
        expect(datasets.find((d) => d.name === "scorer")).toMatchObject({ description: "by another writer", kind: "model" });
      } finally {
        await batched.cleanup();
        await alone.cleanup();
      }
    },
    STORE_SETUP_TIMEOUT_MS * 2,
  );

  it(
    "stores a run's RunDataset rows once, whether the run's later events come in its batch, the next one or a later call",
    async () => {
      const batched = await createTestStore(backend);
      const alone = await createTestStore(backend);
      try {
        // A batch inserts the rows no transaction stored yet and updates the stored ones whose facets
        // changed: each kind of later event below must find the row where it is, or the insert of
        // a row already there fails the batch.
        const rows = (n: number) => ({ outputStatistics: { rowCount: n, ...producer } });
        const io = (runId: string, n: number, time: string, eventType = "RUNNING") => ({
          ...runEvent({ eventType, runId, time, inputs: [{ namespace: "hf://data", name: "corpus", inputFacets: { inputStatistics: { rowCount: n, ...producer } } }] }),
          outputs: [
            { namespace: "hf://data", name: "shard-a", outputFacets: rows(n) },
            { namespace: "hf://data", name: `shard-${n}`, outputFacets: rows(n) },
          ],
        });
        const batches = [
          [io(RUN(10), 1, "2026-12-01T10:00:00Z", "START"), io(RUN(10), 2, "2026-12-01T10:01:00Z")],
          [io(RUN(10), 3, "2026-12-01T10:02:00Z"), io(RUN(11), 1, "2026-12-01T10:03:00Z", "START")],
          [io(RUN(11), 2, "2026-12-01T10:04:00Z"), io(RUN(10), 4, "2026-12-01T10:05:00Z", "COMPLETE")],
        ];
        const later = [io(RUN(11), 5, "2026-12-01T10:06:00Z", "COMPLETE"), io(RUN(10), 5, "2026-12-01T10:07:00Z", "COMPLETE")];
        // Three batches in one call (on PostgreSQL each projected from the one before's cache, ahead
        // of its commit), then a call of its own that reads the runs' rows from the database.
        await ingestBatches(batched.store, batches, options, (outcomes) => expect(outcomes.map((o) => o.status)).toEqual(["created", "created"]));
        expect((await ingestEvents(batched.store, later, options)).map((o) => o.status)).toEqual(["created", "created"]);
        await oneAtATime(alone.store, [...batches.flat(), ...later]);

        const live = await projectionSnapshot(batched.store);
        expect(live).toEqual(await projectionSnapshot(alone.store));
        await replayLog(batched.store);
        expect(await projectionSnapshot(batched.store)).toEqual(live);
        const stored = live.RunDataset as { runId: string; direction: string; datasetKey: string; facets: string }[];
        const shardA = stored.filter((r) => r.direction === "output" && r.datasetKey === "dataset:hf://data:shard-a");
        expect(shardA.map((r) => [r.runId, JSON.parse(r.facets).outputStatistics.rowCount])).toEqual([[RUN(10), 5], [RUN(11), 5]]);
        // Run 10: one input version and shard-a, shard-1 … shard-5 as outputs.
        expect(stored.filter((r) => r.runId === RUN(10)).length).toBe(1 + 6);
      } finally {
        await batched.cleanup();
        await alone.cleanup();
      }
    },
    STORE_SETUP_TIMEOUT_MS * 2,
  );
});
