import { describe, expect, it } from "vitest";
import { latestMetricPoint, parseRunStatus, runIdToUuid, summariseMetrics, type MlflowMetricPoint } from "./model";

const p = (step: number, timestamp: number, value: number): MlflowMetricPoint => ({ key: "loss", step, timestamp, value });

describe("latestMetricPoint", () => {
  it("takes the highest step even when a lower step was logged later", () => {
    expect(latestMetricPoint([p(5, 100, 0.3), p(2, 900, 0.1)])).toEqual(p(5, 100, 0.3));
  });
  it("breaks a step tie by the later timestamp, then by the larger value (MLflow's max over (step, timestamp, value))", () => {
    expect(latestMetricPoint([p(1, 100, 9), p(1, 200, 1)])?.value).toBe(1);
    expect(latestMetricPoint([p(1, 200, 1), p(1, 200, 7), p(1, 200, 3)])?.value).toBe(7);
  });
  it("is null for no points", () => {
    expect(latestMetricPoint([])).toBeNull();
  });
});

describe("summariseMetrics", () => {
  it("groups points by key with the history's length, sorted by key", () => {
    const metrics = summariseMetrics([p(0, 1, 3), { ...p(0, 1, 2), key: "acc" }, p(1, 2, 4)]);
    expect(metrics.map((m) => [m.key, m.latest.value, m.historyLength])).toEqual([
      ["acc", 2, 1],
      ["loss", 4, 2],
    ]);
  });
});

describe("runIdToUuid", () => {
  it("inserts dashes 8-4-4-4-12 into MLflow's 32 hex digits", () => {
    expect(runIdToUuid("7246863d193c4e1faeab6b2724198223")).toBe("7246863d-193c-4e1f-aeab-6b2724198223");
  });
  it("refuses an id that is not 32 hex digits", () => {
    expect(runIdToUuid("not-a-run")).toBeNull();
    expect(runIdToUuid("7246863d193c4e1faeab6b272419822")).toBeNull();
  });
});

describe("parseRunStatus", () => {
  it("reads the file store's numbers and the SQL store's and REST API's names", () => {
    expect([1, 2, 3, 4, 5].map(parseRunStatus)).toEqual(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]);
    expect(parseRunStatus("FINISHED")).toBe("FINISHED");
    expect(parseRunStatus(7)).toBeNull();
  });
});
