import { describe, expect, it } from "vitest";
import { buildAdjacency, countHiddenNeighbours, findNodeInDirection, mergeGraphs, type Point } from "./neighbours";
import { makeGraph, makeNode } from "@/tests/fixtures/lineage-graphs";

const A = "dataset:ns:a";
const B = "job:ns:b";
const C = "dataset:ns:c";
const D = "job:ns:d";
const E = "dataset:ns:e";

describe("mergeGraphs", () => {
  it("adds the expansion's new nodes and edges and keeps the base focus", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    const expansion = makeGraph(B, [`${A}>${B}`]);
    const merged = mergeGraphs(base, expansion);
    expect(merged.focus).toBe(C);
    expect(merged.nodes.map((n) => n.id)).toEqual([C, B, A]);
    expect(merged.edges).toEqual([
      { source: B, target: C },
      { source: A, target: B },
    ]);
  });

  it("keeps one copy of a node and an edge present on both sides, taking the fresher node", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    const fresh = { ...makeGraph(B, [`${B}>${C}`]) };
    fresh.nodes = fresh.nodes.map((n) => (n.id === B ? { ...n, state: "FAILED" as const } : n));
    const merged = mergeGraphs(base, fresh);
    expect(merged.nodes).toHaveLength(2);
    expect(merged.edges).toHaveLength(1);
    expect(merged.nodes.find((n) => n.id === B)?.state).toBe("FAILED");
    // the base order is kept
    expect(merged.nodes.map((n) => n.id)).toEqual([C, B]);
  });

  it("drops an edge whose end is in neither graph", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    const broken = { focus: B, nodes: [makeNode(B)], edges: [{ source: "dataset:ns:ghost", target: B }], truncated: false };
    expect(mergeGraphs(base, broken).edges).toEqual([{ source: B, target: C }]);
  });

  it("is truncated when either side was cut by the node budget", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    const cut = { ...makeGraph(B, [`${A}>${B}`]), truncated: true };
    expect(mergeGraphs(base, cut).truncated).toBe(true);
    expect(mergeGraphs(base, makeGraph(B, [`${A}>${B}`])).truncated).toBe(false);
  });

  it("does not change its inputs", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    const before = JSON.stringify(base);
    mergeGraphs(base, makeGraph(B, [`${A}>${B}`]));
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe("countHiddenNeighbours", () => {
  it("is the store's count minus the neighbours in the view", () => {
    const graph = makeGraph(C, [`${B}>${C}`]);
    graph.nodes = graph.nodes.map((n) => (n.id === B ? { ...n, upstreamCount: 3, downstreamCount: 1 } : n));
    const hidden = countHiddenNeighbours(graph);
    expect(hidden.get(B)).toEqual({ upstream: 3, downstream: 0 });
    expect(hidden.get(C)).toEqual({ upstream: 0, downstream: 0 });
  });

  it("drops to zero once an expansion brings the neighbours into view", () => {
    const base = makeGraph(C, [`${B}>${C}`]);
    base.nodes = base.nodes.map((n) => (n.id === B ? { ...n, upstreamCount: 1 } : n));
    expect(countHiddenNeighbours(base).get(B)?.upstream).toBe(1);
    const merged = mergeGraphs(base, makeGraph(B, [`${A}>${B}`, `${B}>${C}`]));
    expect(countHiddenNeighbours(merged).get(B)?.upstream).toBe(0);
  });

  it("never goes below zero when the view knows more edges than the counts", () => {
    const graph = makeGraph(C, [`${B}>${C}`]);
    graph.nodes = graph.nodes.map((n) => ({ ...n, upstreamCount: 0, downstreamCount: 0 }));
    expect(countHiddenNeighbours(graph).get(C)).toEqual({ upstream: 0, downstream: 0 });
  });
});

describe("findNodeInDirection", () => {
  //   A -> B -> C
  //        B -> E   (E below C)
  //   D sits below B in the same column, unconnected
  const graph = makeGraph(B, [`${A}>${B}`, `${B}>${C}`, `${B}>${E}`], [D]);
  const adjacency = buildAdjacency(graph);
  const centres = new Map<string, Point>([
    [A, { x: 0, y: 100 }],
    [B, { x: 300, y: 100 }],
    [D, { x: 310, y: 300 }],
    [C, { x: 600, y: 40 }],
    [E, { x: 600, y: 200 }],
  ]);

  it("moves right to the downstream neighbour nearest vertically", () => {
    expect(findNodeInDirection(B, "ArrowRight", adjacency, centres)).toBe(C);
    expect(findNodeInDirection(A, "ArrowRight", adjacency, centres)).toBe(B);
  });

  it("moves left to an upstream neighbour, and nowhere from a source", () => {
    expect(findNodeInDirection(C, "ArrowLeft", adjacency, centres)).toBe(B);
    expect(findNodeInDirection(A, "ArrowLeft", adjacency, centres)).toBeNull();
  });

  it("moves down within the same column before anything else", () => {
    expect(findNodeInDirection(B, "ArrowDown", adjacency, centres)).toBe(D);
    expect(findNodeInDirection(C, "ArrowDown", adjacency, centres)).toBe(E);
    expect(findNodeInDirection(E, "ArrowUp", adjacency, centres)).toBe(C);
  });

  it("returns null when nothing lies that way", () => {
    expect(findNodeInDirection(C, "ArrowUp", adjacency, centres)).toBeNull();
    expect(findNodeInDirection("dataset:ns:unknown", "ArrowUp", adjacency, centres)).toBeNull();
  });
});

describe("buildAdjacency", () => {
  it("lists each neighbour once, in the order its first edge came, whatever the duplicates", () => {
    const graph = makeGraph(A, [`${A}>${B}`, `${A}>${C}`, `${A}>${B}`, `${D}>${C}`, `${A}>${C}`]);
    const { upstream, downstream } = buildAdjacency(graph);
    expect(downstream.get(A)).toEqual([B, C]);
    expect(upstream.get(C)).toEqual([A, D]);
  });

  it("keeps a hub's thousands of readers in edge order", () => {
    const readers = Array.from({ length: 3_000 }, (_, i) => `run:r${i}`);
    const graph = makeGraph(A, readers.map((r) => `${A}>${r}`));
    expect(buildAdjacency(graph).downstream.get(A)).toEqual(readers);
  });
});
