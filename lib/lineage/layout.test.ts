import { describe, expect, it } from "vitest";
import { countCrossings } from "./crossings";
import { generateLineageGraph } from "@/scripts/harness/lineage-graph";
import { seededRandom } from "@/scripts/harness/random";
import { sampleRoute } from "./edge-path";
import {
  findCycleBreakingEdges,
  LAYERED_THRESHOLD,
  layoutGraph,
  type LayoutEdgeInput,
  type LayoutNodeInput,
  type LayoutResult,
} from "./layout";

/** dagre needs a second or more for a few hundred nodes on a busy machine. */
const SLOW = 30_000;

const box = (id: string, width = 220, height = 64): LayoutNodeInput => ({ id, width, height });
const edge = (source: string, target: string): LayoutEdgeInput => ({ source, target });
const key = (e: LayoutEdgeInput) => `${e.source}>${e.target}`;

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Edges (valid ones) whose target is not strictly right of their source's left edge. */
function edgesNotPointingRight(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], layout: LayoutResult): string[] {
  const ids = new Set(nodes.map((n) => n.id));
  const broken = new Set(findCycleBreakingEdges(nodes, edges).map(key));
  return edges
    .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target && !broken.has(key(e)))
    .filter((e) => !(layout.positions[e.target]!.x > layout.positions[e.source]!.x))
    .map(key);
}

/** Pairs of boxes that overlap (touching edges do not count). Sweep over x. */
function overlappingPairs(nodes: LayoutNodeInput[], layout: LayoutResult): string[] {
  const boxes = nodes.map((n) => ({ id: n.id, ...layout.positions[n.id]!, width: n.width, height: n.height }));
  boxes.sort((a, b) => a.x - b.x);
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i]!;
    for (let j = i + 1; j < boxes.length && boxes[j]!.x < a.x + a.width; j++) {
      const b = boxes[j]!;
      if (b.y < a.y + a.height && a.y < b.y + b.height) pairs.push(`${a.id} / ${b.id}`);
    }
  }
  return pairs;
}

/**
 * Edges whose drawn route passes behind a box that is not one of its ends: every route is sampled
 * every 4 px along the curve the canvas draws, and each sample is tested against every other box
 * (shrunk by 1 px, so grazing a box's outline does not count).
 */
function edgesBehindBoxes(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[], layout: LayoutResult): string[] {
  const boxes = nodes.map((n) => ({ id: n.id, ...layout.positions[n.id]!, width: n.width, height: n.height }));
  const problems: string[] = [];
  for (const e of edges) {
    const route = layout.routes[`${e.source}->${e.target}`];
    if (!route) {
      problems.push(`${key(e)} has no route`);
      continue;
    }
    for (const point of sampleRoute(route)) {
      const hit = boxes.find(
        (b) => b.id !== e.source && b.id !== e.target && point.x > b.x + 1 && point.x < b.x + b.width - 1 && point.y > b.y + 1 && point.y < b.y + b.height - 1,
      );
      if (hit) {
        problems.push(`${key(e)} passes behind ${hit.id}`);
        break;
      }
    }
  }
  return problems;
}

// A synthetic-data loop whose ids sort so that a search started at the first id ("a-model", as
// dagre's own cycle breaking does) would reverse train -> model instead of the closing edge.
const loop = {
  nodes: ["z-raw", "m-train", "a-model", "b-generate", "c-synthetic"].map((id) => box(id)),
  edges: [
    edge("z-raw", "m-train"),
    edge("m-train", "a-model"),
    edge("a-model", "b-generate"),
    edge("b-generate", "c-synthetic"),
    edge("c-synthetic", "m-train"),
  ],
};

describe.each(["dagre", "layered"] as const)("layoutGraph with algorithm %s", (algorithm) => {
  // dagre costs about a second per few hundred nodes: one generated graph, laid out once.
  const generated = generateLineageGraph({ nodes: 160, seed: 7 });
  let generatedLayout: LayoutResult | undefined;
  const layoutGenerated = () => (generatedLayout ??= layoutGraph(generated.nodes, generated.edges, { algorithm }));

  it("reports the algorithm it ran", () => {
    expect(layoutGraph([box("a")], [], { algorithm }).algorithm).toBe(algorithm);
  });

  it("places the target of every edge right of its source, except the edges that break cycles", () => {
    expect(edgesNotPointingRight(generated.nodes, generated.edges, layoutGenerated())).toEqual([]);
    // and the check can fail: the cycle-breaking edges of the generated graph do point left
    const broken = findCycleBreakingEdges(generated.nodes, generated.edges);
    expect(broken.length).toBeGreaterThan(0);
    for (const e of broken) {
      expect(layoutGenerated().positions[e.target]!.x).toBeLessThan(layoutGenerated().positions[e.source]!.x);
    }
  }, SLOW);

  it("keeps every box clear of every other box", () => {
    expect(overlappingPairs(generated.nodes, layoutGenerated())).toEqual([]);
  }, SLOW);

  it("routes every edge, long ones included, around the boxes that are not its ends", () => {
    expect(edgesBehindBoxes(generated.nodes, generated.edges, layoutGenerated())).toEqual([]);
  }, SLOW);

  it("routes an edge that skips ranks around the chain it runs beside, and starts and ends it on its boxes", () => {
    // a -> b -> c -> d -> e, plus a -> e: the long edge must not cut through b, c or d.
    const nodes = ["a", "b", "c", "d", "e"].map((id) => box(id, id === "c" ? 300 : 220));
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("d", "e"), edge("a", "e")];
    const layout = layoutGraph(nodes, edges, { algorithm });
    expect(edgesBehindBoxes(nodes, edges, layout)).toEqual([]);
    const route = layout.routes["a->e"]!;
    const a = layout.positions["a"]!;
    const e = layout.positions["e"]!;
    expect(route[0]).toEqual({ x: a.x + 220, y: a.y + 32 });
    expect(route[route.length - 1]).toEqual({ x: e.x, y: e.y + 32 });
    // and the check can fail: a straight line from a to e passes behind the chain between them
    const straight = { ...layout, routes: { ...layout.routes, "a->e": [route[0]!, route[route.length - 1]!] } };
    expect(edgesBehindBoxes(nodes, edges, straight)).not.toEqual([]);
  });

  it("routes an edge drawn backwards from the left side of its source to the right side of its target", () => {
    const layout = layoutGraph(loop.nodes, loop.edges, { algorithm });
    const route = layout.routes["c-synthetic->m-train"]!;
    const source = layout.positions["c-synthetic"]!;
    const target = layout.positions["m-train"]!;
    expect(route[0]).toEqual({ x: source.x, y: source.y + 32 });
    expect(route[route.length - 1]).toEqual({ x: target.x + 220, y: target.y + 32 });
    expect(edgesBehindBoxes(loop.nodes, loop.edges, layout)).toEqual([]);
  });

  it("keeps boxes of different sizes clear of each other", () => {
    const nodes = [box("hub", 300, 120), box("a", 80, 20), box("b", 400, 30), box("c", 150, 200), box("d", 60, 60)];
    const edges = ["a", "b", "c", "d"].map((id) => edge("hub", id));
    expect(overlappingPairs(nodes, layoutGraph(nodes, edges, { algorithm }))).toEqual([]);
  });

  it("gives identical positions whatever the order of nodes and edges", () => {
    const again = layoutGraph(shuffled(generated.nodes, 1), shuffled(generated.edges, 2), { algorithm });
    expect(again).toEqual(layoutGenerated());
  }, SLOW);

  it("lays out a cycle, giving every node a position and pointing only the closing edge backwards", () => {
    const layout = layoutGraph(loop.nodes, loop.edges, { algorithm });
    expect(Object.keys(layout.positions).sort()).toEqual(loop.nodes.map((n) => n.id).sort());
    expect(findCycleBreakingEdges(loop.nodes, loop.edges)).toEqual([edge("c-synthetic", "m-train")]);
    expect(edgesNotPointingRight(loop.nodes, loop.edges, layout)).toEqual([]);
  });

  it("lays out a graph that is one big cycle with no source", () => {
    const nodes = ["a", "b", "c", "d"].map((id) => box(id));
    const edges = [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("d", "a"), edge("b", "a")];
    const layout = layoutGraph(nodes, edges, { algorithm });
    expect(Object.keys(layout.positions)).toHaveLength(4);
    expect(edgesNotPointingRight(nodes, edges, layout)).toEqual([]);
    expect(overlappingPairs(nodes, layout)).toEqual([]);
  });

  it("ignores edges to unknown nodes, self-loops and duplicate edges", () => {
    const clean = layoutGraph(loop.nodes, loop.edges, { algorithm });
    const noisy = layoutGraph(
      loop.nodes,
      [
        ...loop.edges,
        edge("z-raw", "job:missing"),
        edge("dataset:missing", "m-train"),
        edge("m-train", "m-train"),
        edge("z-raw", "m-train"),
      ],
      { algorithm },
    );
    expect(noisy).toEqual(clean);
    expect(Object.keys(noisy.positions)).not.toContain("job:missing");
  });

  it("returns top-left corners: boxes on one edge share a centre line, the drawing starts at (0, 0)", () => {
    const nodes = [box("small", 100, 40), box("big", 200, 80)];
    const layout = layoutGraph(nodes, [edge("small", "big")], { algorithm, rankSep: 50 });
    const small = layout.positions["small"]!;
    const big = layout.positions["big"]!;
    expect(small.y + 20).toBeCloseTo(big.y + 40, 6);
    expect(Math.min(small.y, big.y)).toBe(0);
    expect(small.x).toBe(0);
    expect(big.x).toBe(100 + 50);
    expect(layout.width).toBe(350);
    expect(layout.height).toBe(80);
  });

  it("stacks nodes of one rank nodeSep apart", () => {
    const nodes = [box("source"), box("a"), box("b")];
    const layout = layoutGraph(nodes, [edge("source", "a"), edge("source", "b")], { algorithm, nodeSep: 30 });
    const [upper, lower] = [layout.positions["a"]!, layout.positions["b"]!].sort((p, q) => p.y - q.y);
    expect(lower!.y - (upper!.y + 64)).toBeCloseTo(30, 6);
    expect(upper!.x).toBe(lower!.x);
  });

  it("returns an empty layout for an empty graph", () => {
    expect(layoutGraph([], [edge("a", "b")], { algorithm })).toEqual({ positions: {}, routes: {}, width: 0, height: 0, algorithm });
  });

  it("keeps an id such as __proto__ as an ordinary position", () => {
    const layout = layoutGraph([box("__proto__"), box("b")], [edge("__proto__", "b")], { algorithm });
    expect(Object.hasOwn(layout.positions, "__proto__")).toBe(true);
    expect(layout.positions["b"]!.x).toBeGreaterThan(0);
  });
});

describe("layoutGraph with algorithm dagre-network-simplex", () => {
  it("runs dagre and still points every edge right", () => {
    const g = generateLineageGraph({ nodes: 60, seed: 3 });
    const layout = layoutGraph(g.nodes, g.edges, { algorithm: "dagre-network-simplex" });
    expect(layout.algorithm).toBe("dagre");
    expect(edgesNotPointingRight(g.nodes, g.edges, layout)).toEqual([]);
    expect(overlappingPairs(g.nodes, layout)).toEqual([]);
  }, SLOW);
});

describe("layoutGraph with algorithm auto", () => {
  const chain = (count: number) => {
    const nodes = Array.from({ length: count }, (_, i) => box(`n${String(i).padStart(4, "0")}`));
    const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id));
    return { nodes, edges };
  };

  it("uses dagre one node below LAYERED_THRESHOLD", () => {
    const { nodes, edges } = chain(LAYERED_THRESHOLD - 1);
    expect(layoutGraph(nodes, edges).algorithm).toBe("dagre");
  }, SLOW);

  it("uses the layered layout from LAYERED_THRESHOLD nodes", () => {
    const { nodes, edges } = chain(LAYERED_THRESHOLD);
    expect(layoutGraph(nodes, edges, { algorithm: "auto" }).algorithm).toBe("layered");
  });

  it("counts distinct node ids, not list entries", () => {
    const { nodes, edges } = chain(LAYERED_THRESHOLD - 1);
    expect(layoutGraph([...nodes, nodes[0]!], edges).algorithm).toBe("dagre");
  }, SLOW);
});

describe("layered layout quality against dagre", () => {
  it(
    "has at most 1.2 times the crossings of dagre tight-tree on a generated 1k-node graph",
    () => {
      const g = generateLineageGraph({ nodes: 1000, seed: 42 });
      const layered = countCrossings(g.nodes, g.edges, layoutGraph(g.nodes, g.edges, { algorithm: "layered" }).positions);
      const dagre = countCrossings(g.nodes, g.edges, layoutGraph(g.nodes, g.edges, { algorithm: "dagre" }).positions);
      expect(dagre).toBeGreaterThan(0);
      expect(layered).toBeLessThanOrEqual(1.2 * dagre);
    },
    SLOW * 2,
  );

  it("lays out 10k generated nodes with every edge pointing right and no overlap", () => {
    const g = generateLineageGraph({ nodes: 10_000, seed: 11 });
    const layout = layoutGraph(g.nodes, g.edges);
    expect(layout.algorithm).toBe("layered");
    expect(Object.keys(layout.positions)).toHaveLength(10_000);
    expect(edgesNotPointingRight(g.nodes, g.edges, layout)).toEqual([]);
    expect(overlappingPairs(g.nodes, layout)).toEqual([]);
  }, SLOW);
});
