import { describe, expect, it } from "vitest";
import { countCrossings } from "./crossings";
import { generateLineageGraph } from "@/scripts/harness/lineage-graph";
import { computeLayeredLayout } from "./layered";
import { buildIndexedGraph, findFeedbackEdges, type LayoutEdgeInput } from "./layout-graph";

const box = (id: string) => ({ id, width: 100, height: 40 });
const edge = (source: string, target: string): LayoutEdgeInput => ({ source, target });
const options = { rankSep: 50, nodeSep: 20 };

function layOut(ids: string[], edges: LayoutEdgeInput[]) {
  const graph = buildIndexedGraph(ids.map(box), edges);
  const layout = computeLayeredLayout(graph, findFeedbackEdges(graph), options);
  const rankOf = (id: string) => layout.rank[graph.ids.indexOf(id)];
  const yOf = (id: string) => layout.y[graph.ids.indexOf(id)];
  return { graph, layout, rankOf, yOf };
}

describe("computeLayeredLayout", () => {
  it("ranks grow by at least one along every edge not reversed", () => {
    const g = generateLineageGraph({ nodes: 3000, seed: 5 });
    const graph = buildIndexedGraph(g.nodes, g.edges);
    const reversed = findFeedbackEdges(graph);
    const { rank } = computeLayeredLayout(graph, reversed, options);
    const wrong: number[] = [];
    for (let e = 0; e < graph.source.length; e++) {
      const [s, t] = reversed[e] ? [graph.target[e]!, graph.source[e]!] : [graph.source[e]!, graph.target[e]!];
      if (!(rank[t]! > rank[s]!)) wrong.push(e);
    }
    expect(wrong).toEqual([]);
  });

  it("pulls a source into the column just before its only consumer", () => {
    // a -> b -> c -> d is the long path; "tokenizer" feeds only d and belongs next to it.
    const { rankOf } = layOut(["a", "b", "c", "d", "tokenizer"], [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("tokenizer", "d")]);
    expect(rankOf("d")).toBe(3);
    expect(rankOf("tokenizer")).toBe(2);
  });

  it("leaves a node with more inputs than outputs next to its inputs", () => {
    const { rankOf } = layOut(
      ["a", "b", "merge", "x1", "x2", "x3", "sink"],
      [edge("a", "merge"), edge("b", "merge"), edge("merge", "sink"), edge("a", "x1"), edge("x1", "x2"), edge("x2", "x3"), edge("x3", "sink")],
    );
    expect(rankOf("merge")).toBe(1);
  });

  it("keeps every column occupied by a real node", () => {
    const g = generateLineageGraph({ nodes: 2000, seed: 9 });
    const graph = buildIndexedGraph(g.nodes, g.edges);
    const { rank } = computeLayeredLayout(graph, findFeedbackEdges(graph), options);
    const columns = new Set(rank);
    expect(columns.size).toBe(Math.max(...rank) + 1);
  });

  it("removes the crossing a depth-first order leaves", () => {
    // Depth-first from p gives rank 1 the order a, c, b: p-c crosses q-a. c, a, b crosses nothing.
    const ids = ["a", "b", "c", "p", "q"];
    const edges = [edge("p", "a"), edge("p", "c"), edge("q", "a"), edge("q", "b")];
    const { graph, layout } = layOut(ids, edges);
    const positions = Object.fromEntries(graph.ids.map((id, i) => [id, { x: layout.x[i]!, y: layout.y[i]! }]));
    expect(countCrossings(ids.map(box), edges, positions)).toBe(0);
  });

  it("aligns a chain on one line", () => {
    const { yOf } = layOut(["a", "b", "c", "d"], [edge("a", "b"), edge("b", "c"), edge("c", "d")]);
    expect(new Set(["a", "b", "c", "d"].map(yOf))).toEqual(new Set([0]));
  });

  it("refuses a graph that is still cyclic after reversal", () => {
    const graph = buildIndexedGraph([box("a"), box("b")], [edge("a", "b"), edge("b", "a")]);
    expect(() => computeLayeredLayout(graph, new Uint8Array(2), options)).toThrow(/cycle/);
  });

  it("reports the extent of the drawing", () => {
    const { layout } = layOut(["a", "b", "c"], [edge("a", "b"), edge("a", "c")]);
    expect(layout.width).toBe(100 + 50 + 100);
    expect(layout.height).toBe(40 + 20 + 40);
  });
});
