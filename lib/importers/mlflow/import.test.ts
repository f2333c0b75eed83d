import { describe, expect, it } from "vitest";
import { filterSnapshot } from "./import";
import { emptySkipCounts, type MlflowRun, type MlflowSnapshot } from "./model";

const day = (d: number) => Date.UTC(2025, 0, d);

function run(id: string, experimentId: string, start: number, status: MlflowRun["status"] = "FINISHED"): MlflowRun {
  return { id, experimentId, name: id, status, startTime: start, endTime: status === "RUNNING" ? null : start + 1000, userId: null, artifactUri: null, params: {}, tags: {}, metrics: [], inputs: [], outputModelIds: [] };
}

const snapshot: MlflowSnapshot = {
  trackingUri: "file:///mlruns",
  experiments: [
    { id: "1", name: "churn", artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {} },
    { id: "2", name: "fraud", artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {} },
  ],
  runs: [run("a", "1", day(1)), run("b", "1", day(10)), run("c", "2", day(10)), run("d", "2", day(2), "RUNNING")],
  loggedModels: [],
  modelVersions: [
    { name: "churn-model", version: "1", runId: "a", source: null, modelId: null, status: null, currentStage: null, aliases: [], description: null, userId: null, creationTime: day(1), lastUpdatedTime: day(1), tags: {} },
    { name: "fraud-model", version: "1", runId: "c", source: null, modelId: null, status: null, currentStage: null, aliases: [], description: null, userId: null, creationTime: day(11), lastUpdatedTime: day(11), tags: {} },
  ],
  skipped: emptySkipCounts(),
};

describe("filterSnapshot", () => {
  it("keeps the experiments named by name or id, their runs and the versions those runs made", () => {
    const { snapshot: kept, filteredOut } = filterSnapshot(snapshot, { experiments: ["churn"] });
    expect(kept.runs.map((r) => r.id)).toEqual(["a", "b"]);
    expect(kept.modelVersions.map((v) => v.name)).toEqual(["churn-model"]);
    expect(filteredOut).toBe(3);
    expect(filterSnapshot(snapshot, { experiments: ["2"] }).snapshot.runs.map((r) => r.id)).toEqual(["c", "d"]);
  });

  it("with --since keeps runs that started or ended since, and runs still running", () => {
    const { snapshot: kept } = filterSnapshot(snapshot, { since: day(5) });
    expect(kept.runs.map((r) => r.id)).toEqual(["b", "c", "d"]);
    expect(kept.modelVersions.map((v) => v.name)).toEqual(["fraud-model"]);
  });
});
