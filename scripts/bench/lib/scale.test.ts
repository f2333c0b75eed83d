/**
 * The 10M-edge store's bookkeeping: when the build marks its progress, the rate by size it reports,
 * and the checks its figures become (names, units and targets of issue 15).
 */
import { describe, expect, it } from "vitest";
import { Checks } from "../scenario";
import { addScaleChecks, closingMarks, isMarkDue, rateBySize, rateFallPerMillionEdges, type ScaleFigures, type ScaleMark } from "./scale";
import type { QueryFigure } from "./queries";

const mark = (edges: number, events: number, ingestMs: number, cpuMs: number, loadAverage = 2): ScaleMark => ({ edges, events, ingestMs, cpuMs, loadAverage, at: "2026-12-07T01:00:00.000Z" });

describe("isMarkDue", () => {
  it("marks once each time the build passes a whole million edges", () => {
    expect(isMarkDue([], 999_999)).toBe(false);
    expect(isMarkDue([], 1_000_400)).toBe(true);
    expect(isMarkDue([mark(1_000_400, 700_000, 1, 1)], 1_900_000)).toBe(false);
    expect(isMarkDue([mark(1_000_400, 700_000, 1, 1)], 2_000_000)).toBe(true);
    // A batch that jumps two millions (a small interval) still marks once, at its end.
    expect(isMarkDue([mark(1_000_400, 700_000, 1, 1)], 3_100_000, 1_000_000)).toBe(true);
    expect(isMarkDue([], 150, 100)).toBe(true);
  });
});

describe("rateBySize", () => {
  it("gives each stretch between marks its own events/s and CPU per event, the first from an empty store", () => {
    const segments = rateBySize([mark(1_000_000, 700_000, 200_000, 150_000, 3.5), mark(2_000_000, 1_400_000, 550_000, 340_000, 6)]);
    expect(segments).toEqual([
      { fromEdges: 0, toEdges: 1_000_000, events: 700_000, eventsPerSecond: 3_500, cpuUsPerEvent: (150_000 * 1000) / 700_000, loadAverage: 3.5 },
      { fromEdges: 1_000_000, toEdges: 2_000_000, events: 700_000, eventsPerSecond: 2_000, cpuUsPerEvent: (190_000 * 1000) / 700_000, loadAverage: 6 },
    ]);
  });

  it("skips a mark that adds no events (the closing mark of a build that ended on one)", () => {
    expect(rateBySize([mark(1_000_000, 700_000, 200_000, 1), mark(1_000_000, 700_000, 200_000, 1)])).toHaveLength(1);
  });

  it("reports how much slower the last stretch is than the first, per million edges between them", () => {
    const segments = rateBySize([mark(1_000_000, 700_000, 200_000, 1), mark(2_000_000, 1_400_000, 400_000, 2), mark(3_000_000, 2_100_000, 750_000, 3)]);
    // 3,500 -> 2,000 events/s over 2M edges: 42.9 % slower, 21.4 % per million edges.
    expect(rateFallPerMillionEdges(segments)).toBeCloseTo((100 * 1_500) / 3_500 / 2, 6);
    expect(rateFallPerMillionEdges(segments.slice(0, 1))).toBeNull();
  });
});

describe("closingMarks", () => {
  it("ends on the build's final figures, folding a last mark that stood only a few batches before the end", () => {
    const marks = [mark(1_000_000, 700_000, 200_000, 1), mark(2_000_100, 1_400_000, 400_000, 2)];
    expect(closingMarks(marks, mark(2_001_000, 1_400_800, 400_300, 2)).map((m) => m.events)).toEqual([700_000, 1_400_800]);
    expect(closingMarks(marks, mark(2_700_000, 1_890_000, 600_000, 3)).map((m) => m.events)).toEqual([700_000, 1_400_000, 1_890_000]);
    expect(closingMarks([], mark(30_000, 22_000, 9_000, 8)).map((m) => m.events)).toEqual([22_000]);
  });
});

const query = (name: string, p95: number): QueryFigure => ({
  name,
  depth: 3,
  limit: 500,
  direction: "both",
  foci: 200,
  passes: [],
  p50: { median: p95 / 2, min: p95 / 2, max: p95 / 2, n: 5 },
  p95: { median: p95, min: p95, max: p95, n: 5 },
  meanNodes: 20,
  truncatedShare: 0,
});

function figures(overrides: Partial<ScaleFigures> = {}): ScaleFigures {
  const marks = [mark(1_000_000, 700_000, 175_000, 150_000, 4), mark(10_000_000, 7_000_000, 3_500_000, 2_000_000, 8)];
  return {
    edges: 10_000_000,
    file: "/tmp/store.db",
    isReused: false,
    build: {
      targetEdges: 10_000_000,
      seed: 1,
      batchSize: 1_000,
      builtBy: "abc1234",
      startedAt: "2026-12-07T01:00:00.000Z",
      finishedAt: "2026-12-07T02:00:00.000Z",
      progress: { events: 7_000_000, edges: 10_000_000, ingestMs: 3_500_000, cpuMs: 2_000_000 },
      marks,
      resumes: [],
      nodes: 6_000_000,
    },
    storage: { edges: 10_000_000, edgeBytes: 285_000_000, bytesPerEdge: 28.5, byObject: {}, fileBytes: 40e9, fileBytesPerEdge: 4_000 },
    api: [query("1 hop", 2), query("3 hops", 12.5), query("2,000-node neighbourhood", 40)],
    serverRssMB: 280,
    loadAverage: [3, 5],
    ...overrides,
  };
}

describe("addScaleChecks", () => {
  it("reports the build, bytes per edge, both lineage p95s and the server's RSS against issue 15's targets", () => {
    const checks = new Checks();
    addScaleChecks(figures(), checks);
    const byName = Object.fromEntries(checks.list.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual([
      "store build time (10M edges, 7000000 events)",
      "ingest batched, whole build (10M edges)",
      "ingest batched, last 9M edges (1M–10M edges)",
      "DB bytes per edge incl. both indexes (10M edges)",
      "API 3 hops p95 (10M edges)",
      "API 2,000-node neighbourhood p95 (10M edges)",
      "server RSS after the API passes (10M edges)",
    ]);
    expect(byName["store build time (10M edges, 7000000 events)"]).toMatchObject({ value: 58.3, unit: "min", target: "reported", isMet: true });
    expect(byName["ingest batched, whole build (10M edges)"]).toMatchObject({ value: 2_000, unit: "events/s", target: ">= 25000", isMet: false });
    expect(byName["ingest batched, whole build (10M edges)"]!.note).toContain("built by abc1234");
    // The last stretch: 6.3M events in 3,325 s; the first: 4,000 events/s.
    expect(byName["ingest batched, last 9M edges (1M–10M edges)"]).toMatchObject({ value: 1_895, target: ">= 25000", isMet: false });
    expect(byName["ingest batched, last 9M edges (1M–10M edges)"]!.note).toContain("first 1M edges 4000 events/s");
    expect(byName["DB bytes per edge incl. both indexes (10M edges)"]).toMatchObject({ value: 28.5, unit: "B", target: "<= 70", isMet: true });
    expect(byName["API 3 hops p95 (10M edges)"]).toMatchObject({ value: 12.5, unit: "ms", target: "<= 10", isMet: false });
    expect(byName["API 2,000-node neighbourhood p95 (10M edges)"]).toMatchObject({ value: 40, unit: "ms", target: "<= 50", isMet: true });
    expect(byName["server RSS after the API passes (10M edges)"]).toMatchObject({ value: 280, unit: "MB", target: "<= 300", isMet: true });
  });

  it("names the build of an unfinished store as such, and keeps the query checks", () => {
    const checks = new Checks();
    const unfinished = figures();
    delete unfinished.build.finishedAt;
    unfinished.build.progress = { events: 2_236_000, edges: 3_097_432, ingestMs: 2_950_000, cpuMs: 1_090_000 };
    unfinished.build.marks = [mark(1_000_000, 708_000, 824_000, 301_000), mark(3_001_004, 2_165_000, 2_860_000, 1_060_000)];
    addScaleChecks({ ...unfinished, edges: 3_097_432 }, checks);
    const names = checks.list.map((c) => c.name);
    expect(names).toContain("ingest batched, whole build (3.1M edges, unfinished)");
    expect(names).toContain("ingest batched, last 2M edges (1M–3M edges)");
    expect(names).toContain("API 3 hops p95 (3.1M edges)");
    expect(checks.list.find((c) => c.name === "ingest batched, whole build (3.1M edges, unfinished)")).toMatchObject({ value: 758, isMet: false });
  });
});
