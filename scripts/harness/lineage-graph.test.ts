import { describe, expect, it } from "vitest";
import { findCycleBreakingEdges } from "../../lib/lineage/layout";
import { DATASET_SIZE, generateLineageGraph, JOB_SIZE } from "./lineage-graph";
import { seededRandom } from "./random";

describe("seededRandom", () => {
  it("repeats its sequence for a seed and stays in [0, 1)", () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });

  it("gives different sequences for different seeds", () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});

describe("generateLineageGraph", () => {
  const { nodes, edges } = generateLineageGraph({ nodes: 1000, seed: 42 });
  const inDegree = new Map<string, number>();
  const outDegree = new Map<string, number>();
  for (const e of edges) {
    inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
    outDegree.set(e.source, (outDegree.get(e.source) ?? 0) + 1);
  }

  it("makes exactly the number of nodes asked for", () => {
    expect(nodes).toHaveLength(1000);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(1000);
    expect(generateLineageGraph({ nodes: 7, seed: 1 }).nodes).toHaveLength(7);
    expect(generateLineageGraph({ nodes: 0, seed: 1 })).toEqual({ nodes: [], edges: [] });
  });

  it("is a function of the seed", () => {
    expect(generateLineageGraph({ nodes: 1000, seed: 42 })).toEqual({ nodes, edges });
    expect(generateLineageGraph({ nodes: 1000, seed: 43 }).edges).not.toEqual(edges);
  });

  it("has about 1.5 edges per node, all unique, between known nodes, without self-loops", () => {
    const ids = new Set(nodes.map((n) => n.id));
    expect(edges.every((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)).toBe(true);
    expect(new Set(edges.map((e) => `${e.source}>${e.target}`)).size).toBe(edges.length);
    expect(edges.length / nodes.length).toBeGreaterThan(1.2);
    expect(edges.length / nodes.length).toBeLessThan(1.8);
  });

  it("alternates datasets (220x64) and jobs (180x48) along edges", () => {
    const size = new Map(nodes.map((n) => [n.id, n]));
    expect(nodes.every((n) => (n.id.startsWith("job:") ? n.width === JOB_SIZE.width : n.width === DATASET_SIZE.width))).toBe(true);
    expect(edges.every((e) => e.source.startsWith("job:") !== e.target.startsWith("job:"))).toBe(true);
    expect(size.get(nodes[0]!.id)).toMatchObject(DATASET_SIZE);
  });

  it("has hub datasets read by many jobs and training jobs reading many datasets", () => {
    expect(Math.max(...[...outDegree].filter(([id]) => id.startsWith("dataset:")).map(([, d]) => d))).toBeGreaterThanOrEqual(30);
    expect(Math.max(...[...inDegree].filter(([id]) => id.includes(":train-")).map(([, d]) => d))).toBeGreaterThanOrEqual(15);
  });

  it("has deep chains: a path of at least 20 edges without cycles", () => {
    const broken = new Set(findCycleBreakingEdges(nodes, edges).map((e) => `${e.source}>${e.target}`));
    const successors = new Map<string, string[]>();
    for (const e of edges) {
      if (broken.has(`${e.source}>${e.target}`)) continue;
      successors.set(e.source, [...(successors.get(e.source) ?? []), e.target]);
    }
    const depth = new Map<string, number>();
    const longest = (id: string): number => {
      if (!depth.has(id)) depth.set(id, 1 + Math.max(-1, ...(successors.get(id) ?? []).map(longest)));
      return depth.get(id)!;
    };
    expect(Math.max(...nodes.map((n) => longest(n.id)))).toBeGreaterThanOrEqual(20);
  });

  it("has a few synthetic-data loops: cycles through a generate job", () => {
    const broken = findCycleBreakingEdges(nodes, edges);
    expect(broken.length).toBeGreaterThanOrEqual(2);
    expect(broken.length).toBeLessThanOrEqual(20);
    expect(nodes.some((n) => n.id.includes(":generate-"))).toBe(true);
  });
});
