import { describe, expect, it } from "vitest";
import { validateEvent } from "@/lib/schemas/openlineage";
import { emptySkipCounts, type MlflowRun, type MlflowSnapshot } from "./model";
import { datasetIdentity, mapSnapshot } from "./to-openlineage";

function run(overrides: Partial<MlflowRun> = {}): MlflowRun {
  return {
    id: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    experimentId: "1",
    name: "brave-owl-1",
    status: "FINISHED",
    startTime: Date.UTC(2025, 0, 1, 10),
    endTime: Date.UTC(2025, 0, 1, 11),
    userId: "ana",
    artifactUri: null,
    params: { lr: "0.1", depth: "3" },
    tags: { "mlflow.user": "ana", "mlflow.note.content": "Try a shallower tree", "mlflow.source.git.commit": "abc123", team: "risk" },
    metrics: [{ key: "f1", latest: { key: "f1", value: 0.8, timestamp: Date.UTC(2025, 0, 1, 10, 30), step: 4 }, historyLength: 5 }],
    inputs: [
      {
        dataset: { name: "train", digest: "d1", sourceType: "s3", source: '{"uri": "s3://bucket/data/train.parquet"}', schema: null, profile: '{"num_rows": 120}' },
        context: "train",
        tags: { "mlflow.data.context": "train" },
      },
    ],
    outputModelIds: [],
    ...overrides,
  };
}

function snapshot(runs: MlflowRun[]): MlflowSnapshot {
  return {
    trackingUri: "http://mlflow.example:5000",
    experiments: [{ id: "1", name: "churn", artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {} }],
    runs,
    loggedModels: [],
    modelVersions: [
      { name: "churn-model", version: "2", runId: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", source: null, modelId: null, status: "READY", currentStage: "Production", aliases: ["champion"], description: null, userId: null, creationTime: Date.UTC(2025, 0, 2), lastUpdatedTime: null, tags: {} },
    ],
    skipped: emptySkipCounts(),
  };
}

describe("mapSnapshot", () => {
  it("makes START then COMPLETE for a finished run, under the experiment's job, every event valid OpenLineage", () => {
    const mapping = mapSnapshot(snapshot([run()]));
    const [unit, version] = mapping.units;
    expect(unit.events.map((e) => e.eventType)).toEqual(["START", "COMPLETE"]);
    expect(unit.events[0].job).toMatchObject({ namespace: "mlflow:http://mlflow.example:5000", name: "churn" });
    expect((unit.events[0].run as { runId: string }).runId).toBe("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    for (const e of [...unit.events, ...version.events]) {
      const result = validateEvent(e);
      expect(result.ok && result.warnings).toEqual([]);
    }
  });

  it("carries params, latest metrics with history length, the note as the reason and the dataset's digest as its version", () => {
    const complete = mapSnapshot(snapshot([run()])).units[0].events[1] as Record<string, any>;
    expect(complete.run.facets.executionParameters.parameters).toEqual([{ key: "depth", value: "3" }, { key: "lr", value: "0.1" }]);
    expect(complete.run.facets.threadline_evaluation.metrics[0]).toMatchObject({ key: "f1", value: 0.8, step: 4, historyLength: 5 });
    expect(complete.run.facets.threadline_change).toMatchObject({ reason: "Try a shallower tree", author: "ana" });
    expect(complete.inputs[0]).toMatchObject({ namespace: "s3://bucket", name: "data/train.parquet", facets: { version: { datasetVersion: "d1" } } });
    expect(complete.inputs[0].inputFacets.threadline_mlflow.context).toBe("train");
    expect(complete.job.facets.sourceCodeLocation.version).toBe("abc123");
  });

  it("maps FAILED to FAIL, KILLED to ABORT and a running run to RUNNING", () => {
    const types = (status: MlflowRun["status"]) => mapSnapshot(snapshot([run({ status })])).units[0].events.map((e) => e.eventType);
    expect(types("FAILED")).toEqual(["START", "FAIL"]);
    expect(types("KILLED")).toEqual(["START", "ABORT"]);
    expect(types("RUNNING")).toEqual(["START", "RUNNING"]);
  });

  it("makes a registered version an output of its source run, with stage and aliases", () => {
    const version = mapSnapshot(snapshot([run()])).units[1].events[0] as Record<string, any>;
    expect(version.eventType).toBe("OTHER");
    expect(version.run.runId).toBe("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa");
    expect(version.outputs[0]).toMatchObject({
      name: "models:/churn-model",
      facets: { datasetType: { datasetType: "MODEL" }, version: { datasetVersion: "2" }, threadline_model: { stage: "Production", aliases: ["champion"] } },
    });
  });

  it("links a child run to its parent with the parent facet", () => {
    const child = run({ id: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", tags: { "mlflow.parentRunId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } });
    const mapping = mapSnapshot(snapshot([run(), child]));
    const childEvent = mapping.units.find((u) => u.key === `run:${child.id}`)!.events[1] as Record<string, any>;
    expect(childEvent.run.facets.parent).toMatchObject({ run: { runId: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa" }, job: { name: "churn" } });
    expect(mapping.counts.nestedRuns).toBe(1);
  });

  it("gives byte-identical events for the same snapshot (what makes a re-import a no-op)", () => {
    expect(JSON.stringify(mapSnapshot(snapshot([run()])))).toBe(JSON.stringify(mapSnapshot(snapshot([run()]))));
  });

  it("reports a run whose id is not 32 hex digits instead of inventing one", () => {
    const mapping = mapSnapshot(snapshot([run({ id: "xyz" })]));
    expect(mapping.unmappable).toEqual([{ key: "run:xyz", reason: "its id is not 32 hex digits" }]);
  });
});

describe("datasetIdentity", () => {
  it("names a dataset by its source URI the way OpenLineage does, so it joins other lineage", () => {
    const d = (source: string) => datasetIdentity({ name: "train", digest: "x", sourceType: "t", source, schema: null, profile: null }, "mlflow:ns");
    expect(d('{"uri": "s3://bucket/a/b.csv"}')).toEqual({ namespace: "s3://bucket", name: "a/b.csv" });
    expect(d('{"uri": "/data/train.csv"}')).toEqual({ namespace: "file", name: "/data/train.csv" });
    expect(d('{"tags": {"mlflow.user": "pc"}}')).toEqual({ namespace: "mlflow:ns", name: "train" });
  });
});
