import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { verifyChain } from "@/lib/server/event-log";
import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import { projectionSnapshot, replayLog, verifyProjection } from "@/lib/server/rebuild";
import { createTestDatabase, runEvent } from "../support/db";

const RUN_A = "0190a1b2-0000-7000-8000-00000000000a";
const RUN_B = "0190a1b2-0000-7000-8000-00000000000b";
const PARENT = "0190a1b2-0000-7000-8000-0000000000ff";

let db: Sqlite;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = createTestDatabase()));
afterEach(() => cleanup());

async function ingest(...events: Record<string, unknown>[]) {
  return ingestEvents(storeOver(db), events, { sender: "test", receivedAt: "2026-11-24T00:00:00.000Z" });
}

function run(runId: string) {
  return db.prepare("SELECT * FROM Run WHERE runId = ?").get(runId) as Record<string, string | null>;
}

const corpus = { namespace: "s3://lake", name: "corpus" };
const model = { namespace: "s3://lake", name: "model" };

describe("projection of run events", () => {
  it("adds up START and COMPLETE of one run: inputs from START, outputs from COMPLETE, times from both", async () => {
    await ingest(
      runEvent({ eventType: "START", runId: RUN_A, time: "2026-11-01T10:00:00Z", inputs: [corpus] }),
      runEvent({ eventType: "COMPLETE", runId: RUN_A, time: "2026-11-01T11:30:00Z", outputs: [model] }),
    );
    const r = run(RUN_A);
    expect(r.state).toBe("COMPLETED");
    expect(r.startedAt).toBe("2026-11-01T10:00:00.000Z");
    expect(r.endedAt).toBe("2026-11-01T11:30:00.000Z");
    const io = db.prepare("SELECT direction, datasetKey FROM RunDataset WHERE runId = ? ORDER BY direction").all(RUN_A);
    expect(io).toEqual([
      { direction: "input", datasetKey: "dataset:s3://lake:corpus" },
      { direction: "output", datasetKey: "dataset:s3://lake:model" },
    ]);
  });

  it("keeps a run ended when its START arrives after its COMPLETE", async () => {
    await ingest(
      runEvent({ eventType: "COMPLETE", runId: RUN_A, time: "2026-11-01T11:00:00Z" }),
      runEvent({ eventType: "START", runId: RUN_A, time: "2026-11-01T10:00:00Z" }),
    );
    expect(run(RUN_A).state).toBe("COMPLETED");
    expect(run(RUN_A).startedAt).toBe("2026-11-01T10:00:00.000Z");
  });

  it("replaces a facet re-sent under the same name and keeps the others", async () => {
    const params = (lr: string) => ({ executionParameters: { parameters: [{ key: "learning_rate", value: lr }] } });
    await ingest(
      runEvent({ eventType: "START", runId: RUN_A, runFacets: { ...params("3e-5"), threadline_change: { reason: "baseline" } } }),
      runEvent({ eventType: "COMPLETE", runId: RUN_A, time: "2026-11-01T12:00:00Z", runFacets: params("1e-5") }),
    );
    const r = run(RUN_A);
    expect(JSON.parse(r.parameters as string)).toEqual([{ key: "learning_rate", value: "1e-5", source: "executionParameters" }]);
    expect(r.reason).toBe("baseline");
  });

  it("records FAIL with its error message and marks the run's outputs failed", async () => {
    await ingest(
      runEvent({ eventType: "START", runId: RUN_A, outputs: [model] }),
      runEvent({
        eventType: "FAIL",
        runId: RUN_A,
        time: "2026-11-01T10:05:00Z",
        runFacets: { errorMessage: { message: "CUDA out of memory", programmingLanguage: "python", stackTrace: "Traceback..." } },
      }),
    );
    expect(run(RUN_A)).toMatchObject({ state: "FAILED", errorMessage: "CUDA out of memory", stackTrace: "Traceback..." });
    const version = db.prepare("SELECT isFailed, failureReasons FROM DatasetVersion WHERE datasetKey = ?").get("dataset:s3://lake:model") as {
      isFailed: number;
      failureReasons: string;
    };
    expect(version.isFailed).toBe(1);
    expect(JSON.parse(version.failureReasons)[0].message).toContain("CUDA out of memory");
  });

  it("links a child run to its parent through the parent facet", async () => {
    await ingest(runEvent({ runId: RUN_A, runFacets: { parent: { run: { runId: PARENT }, job: { namespace: "tests", name: "dag" } } } }));
    expect(run(RUN_A).parentRunId).toBe(PARENT);
  });

  it("fails the versions an evaluation run judged with a failing check", async () => {
    await ingest(runEvent({ runId: RUN_A, job: "generate", outputs: [{ ...model, facets: { version: { datasetVersion: "b1" } } }] }));
    await ingest(
      runEvent({
        runId: RUN_B,
        job: "evaluate",
        time: "2026-11-01T12:00:00Z",
        inputs: [model],
        runFacets: { threadline_evaluation: { checks: [{ name: "tox21-alerts", passed: false, value: 0.2, threshold: 0.05 }] } },
      }),
    );
    const v = db.prepare("SELECT isFailed, failureReasons FROM DatasetVersion WHERE key = ?").get("datasetVersion:s3://lake:model:b1") as {
      isFailed: number;
      failureReasons: string;
    };
    expect(v.isFailed).toBe(1);
    expect(JSON.parse(v.failureReasons)[0]).toMatchObject({ source: "check", check: "tox21-alerts" });
  });

  it("reads an input at the version its producer last wrote", async () => {
    await ingest(runEvent({ runId: RUN_A, job: "train", outputs: [{ ...model, facets: { version: { datasetVersion: "v1" } } }] }));
    await ingest(runEvent({ runId: RUN_B, job: "generate", time: "2026-11-02T00:00:00Z", inputs: [model] }));
    const graph = await getLineage(storeOver(db), { nodeId: `run:${RUN_B}`, depth: 2, direction: "upstream", limit: 100 });
    expect(graph.nodes.map((n) => n.id)).toEqual([`run:${RUN_A}`, `run:${RUN_B}`, "datasetVersion:s3://lake:model:v1"].sort());
  });
});

describe("idempotency and the log", () => {
  it("stores a re-sent event once and reports it as a duplicate", async () => {
    const event = runEvent({ runId: RUN_A, inputs: [corpus] });
    expect((await ingest(event))[0].status).toBe("created");
    // Same content, other key order: still the same event.
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect((await ingest(reordered))[0]).toMatchObject({ status: "duplicate", seq: 1 });
    expect((db.prepare("SELECT COUNT(*) AS n FROM Event").get() as { n: number }).n).toBe(1);
  });

  it("rejects an invalid event in a batch by index and stores the valid ones", async () => {
    const outcomes = await ingest(runEvent({ runId: RUN_A }), { eventType: "START", run: {} }, runEvent({ runId: RUN_B }));
    expect(outcomes.map((o) => o.status)).toEqual(["created", "rejected", "created"]);
    expect(outcomes[1].errors?.some((e) => e.path.startsWith("run.runId"))).toBe(true);
  });

  it("chains every event to the one before and finds an edited row", async () => {
    await ingest(runEvent({ runId: RUN_A }), runEvent({ runId: RUN_B }), runEvent({ runId: RUN_A, eventType: "START" }));
    expect((await verifyChain(storeOver(db)))).toMatchObject({ ok: true, checked: 3, head: { seq: 3 } });
    db.prepare("UPDATE Event SET payload = replace(payload, 'train', 'tampered') WHERE seq = 2").run();
    expect((await verifyChain(storeOver(db)))).toMatchObject({ ok: false, firstBroken: { seq: 2 } });
  });
});

describe("rebuild", () => {
  it("re-derives exactly the live projection from the log", async () => {
    await ingest(
      runEvent({ eventType: "START", runId: RUN_A, inputs: [corpus], outputs: [model] }),
      runEvent({ eventType: "COMPLETE", runId: RUN_A, time: "2026-11-01T11:00:00Z", outputs: [model] }),
      runEvent({ eventType: "FAIL", runId: RUN_B, job: "generate", inputs: [model], runFacets: { errorMessage: { message: "x", programmingLanguage: "py" } } }),
    );
    const live = (await projectionSnapshot(storeOver(db)));
    await replayLog(storeOver(db));
    expect((await projectionSnapshot(storeOver(db)))).toEqual(live);
    expect((await verifyProjection(storeOver(db))).ok).toBe(true);
  });

  it("notices a projection row edited behind Threadline's back", async () => {
    await ingest(runEvent({ runId: RUN_A, outputs: [model] }));
    db.prepare("UPDATE Run SET state = 'FAILED' WHERE runId = ?").run(RUN_A);
    expect((await verifyProjection(storeOver(db)))).toMatchObject({ ok: false, firstDifference: { table: "Run", key: RUN_A } });
  });
});

describe("rebuild whatever the producer's key order", () => {
  it("matches the live projection when facets arrive with unsorted keys", async () => {
    await ingest(runEvent({ runId: RUN_A, runFacets: { zeta: { b: 1, a: 2 }, alpha: { y: 1, x: 2 } }, outputs: [model] }));
    expect((await verifyProjection(storeOver(db))).ok).toBe(true);
  });
});

describe("run parameters", () => {
  it("lists a sampling parameter once when executionParameters and threadline_generation both name it", async () => {
    await ingest(
      runEvent({
        runId: RUN_A,
        runFacets: {
          executionParameters: { parameters: [{ key: "top_p", value: "0.9" }, { key: "temperature", value: "1.2" }] },
          threadline_generation: { model: "m@v3", sampling: { topP: 0.9, temperature: 1.2, maxTokens: 256 } },
        },
      }),
    );
    const keys = (JSON.parse(run(RUN_A).parameters as string) as { key: string }[]).map((p) => p.key);
    expect(keys).toEqual(["top_p", "temperature", "model", "maxTokens"]);
  });
});
