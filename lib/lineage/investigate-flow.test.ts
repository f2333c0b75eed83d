import { describe, expect, it } from "vitest";
import { INVESTIGATE_NODE_SIZE, layoutInvestigation, placeComparisonBelow, toInvestigateFlow, visibleGraph } from "./investigate-flow";
import type { Investigation } from "./investigate-view";
import type { LineageNode } from "./types";
import { makeNode } from "@/tests/fixtures/lineage-graphs";

const node = (id: string, extra: Partial<LineageNode> = {}): LineageNode =>
  makeNode(id, { type: id.startsWith("run:") ? "run" : "datasetVersion", namespace: "ns", name: id, kind: null, version: id.startsWith("run:") ? null : "v", ...extra });

const inv = {
  target: node("a", { isFailed: true }),
  comparison: { b: node("b"), isDefault: true, candidates: [] },
  graph: {
    nodes: [node("a", { isFailed: true }), node("b"), node("run:ra"), node("run:rb"), node("m3"), node("m2")],
    edges: [
      { source: "m3", target: "run:ra" },
      { source: "run:ra", target: "a" },
      { source: "m2", target: "run:rb" },
      { source: "run:rb", target: "b" },
    ],
    truncated: false,
  },
  diff: { marks: { a: "changed", "run:ra": "changed", m3: "changed", b: "counterpart", "run:rb": "counterpart", m2: "removed" } },
  syntheticByNode: { a: { share: 1, generation: 1 } },
} as unknown as Investigation;

const positions = Object.fromEntries(inv.graph.nodes.map((n, i) => [n.id, { x: i * 10, y: 0 }]));

describe("toInvestigateFlow", () => {
  it("marks each node with its diff mark and role, and describes it for screen readers", () => {
    const { nodes } = toInvestigateFlow(inv, { positions }, { selectedId: "m3", showComparison: true });
    const a = nodes.find((n) => n.id === "a");
    expect(a?.data).toMatchObject({ mark: "changed", role: "target", synthetic: { share: 1, generation: 1 } });
    expect(a?.ariaLabel).toContain("the output under investigation");
    expect(a?.ariaLabel).toContain("failed");
    expect(nodes.find((n) => n.id === "b")?.data.role).toBe("comparison");
    expect(nodes.find((n) => n.id === "m3")?.selected).toBe(true);
  });

  it("draws the comparison's side with dashed edges, and can hide it", () => {
    const both = toInvestigateFlow(inv, { positions }, { selectedId: null, showComparison: true });
    expect(both.edges.find((e) => e.id === "run:rb>b")?.className).toBe("tl-inv-edge-b");
    expect(both.edges.find((e) => e.id === "m3>run:ra")?.className).toBe("tl-inv-edge-changed");
    const aOnly = visibleGraph(inv, false);
    expect(aOnly.nodes.map((n) => n.id).sort()).toEqual(["a", "m3", "run:ra"]);
    expect(aOnly.edges).toHaveLength(2);
  });

  it("keeps only what the diff marks, the target and the comparison when asked", () => {
    const withSame = { ...inv, graph: { ...inv.graph, nodes: [...inv.graph.nodes, node("base")] } } as Investigation;
    expect(visibleGraph(withSame, true, true).nodes.map((n) => n.id)).not.toContain("base");
    expect(visibleGraph(withSame, true, false).nodes.map((n) => n.id)).toContain("base");
  });

  it("leaves out nodes that have no position yet", () => {
    const { nodes, edges } = toInvestigateFlow(inv, { positions: { a: { x: 0, y: 0 } } }, { selectedId: null, showComparison: true });
    expect(nodes.map((n) => n.id)).toEqual(["a"]);
    expect(edges).toEqual([]);
  });
});

describe("placeComparisonBelow", () => {
  it("puts the comparison in the target's column, below everything else, and leaves the rest alone", () => {
    const laid = { a: { x: 900, y: 0 }, "run:ra": { x: 600, y: 0 }, m3: { x: 300, y: 100 }, b: { x: 500, y: 50 }, "run:rb": { x: 200, y: 50 }, m2: { x: 0, y: 60 } };
    const moved = placeComparisonBelow(inv, laid, 40);
    expect(moved.b.x).toBe(900);
    expect(moved["run:rb"].x).toBe(600);
    const bottom = 100 + INVESTIGATE_NODE_SIZE.height + 40;
    expect(moved.b.y).toBe(bottom);
    expect(moved.m2.y).toBe(bottom + 10);
    expect(moved.a).toEqual(laid.a);
    expect(moved.m3).toEqual(laid.m3);
  });

  it("changes nothing without a comparison", () => {
    const laid = { a: { x: 1, y: 2 } };
    expect(placeComparisonBelow({ ...inv, comparison: { b: null, isDefault: true, candidates: [] } }, laid)).toEqual(laid);
  });
});

describe("layoutInvestigation", () => {
  it("routes each edge from its source's right side to its target's left side, as the mirrored layout draws them", () => {
    const laidOut = layoutInvestigation(inv, visibleGraph(inv, true));
    const { width, height } = INVESTIGATE_NODE_SIZE;
    for (const e of inv.graph.edges) {
      const route = laidOut.routes[`${e.source}->${e.target}`]!;
      const from = laidOut.positions[e.source]!;
      const to = laidOut.positions[e.target]!;
      expect(route[0]).toEqual({ x: from.x + width, y: from.y + height / 2 });
      expect(route[route.length - 1]).toEqual({ x: to.x, y: to.y + height / 2 });
    }
  });
});
