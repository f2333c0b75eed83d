import { describe, expect, it } from "vitest";
import { generateLineageGraph } from "@/scripts/harness/lineage-graph";
import { buildIndexedGraph, findFeedbackEdges, type IndexedGraph } from "./layout-graph";

const box = (id: string, width = 10, height = 10) => ({ id, width, height });
const edge = (source: string, target: string) => ({ source, target });

function edgeNames(graph: IndexedGraph, only?: Uint8Array): string[] {
  const names: string[] = [];
  for (let e = 0; e < graph.source.length; e++) {
    if (!only || only[e]) names.push(`${graph.ids[graph.source[e]!]}>${graph.ids[graph.target[e]!]}`);
  }
  return names;
}

/** True when the graph with the flagged edges reversed has a topological order. */
function isAcyclicAfterReversing(graph: IndexedGraph, reversed: Uint8Array): boolean {
  const n = graph.ids.length;
  const successors: number[][] = Array.from({ length: n }, () => []);
  const inDegree = new Array<number>(n).fill(0);
  for (let e = 0; e < graph.source.length; e++) {
    const [s, t] = reversed[e] ? [graph.target[e]!, graph.source[e]!] : [graph.source[e]!, graph.target[e]!];
    successors[s]!.push(t);
    inDegree[t]!++;
  }
  const queue = inDegree.flatMap((d, i) => (d === 0 ? [i] : []));
  let seen = 0;
  while (queue.length > 0) {
    const v = queue.pop()!;
    seen++;
    for (const w of successors[v]!) if (--inDegree[w]! === 0) queue.push(w);
  }
  return seen === n;
}

describe("buildIndexedGraph", () => {
  it("sorts ids by code unit, not by locale or input order", () => {
    const graph = buildIndexedGraph([box("b"), box("a"), box("B"), box("ä")], []);
    expect(graph.ids).toEqual(["B", "a", "b", "ä"]);
  });

  it("drops edges to unknown nodes, self-loops and duplicates, and sorts the rest", () => {
    const graph = buildIndexedGraph(
      [box("a"), box("b"), box("c")],
      [edge("c", "a"), edge("a", "b"), edge("a", "x"), edge("y", "b"), edge("b", "b"), edge("a", "b"), edge("a", "c")],
    );
    expect(edgeNames(graph)).toEqual(["a>b", "a>c", "c>a"]);
  });

  it("keeps the larger size of a node listed twice, whichever comes first", () => {
    const one = buildIndexedGraph([box("a", 100, 10), box("a", 50, 40)], []);
    const other = buildIndexedGraph([box("a", 50, 40), box("a", 100, 10)], []);
    expect([one.width[0], one.height[0]]).toEqual([100, 40]);
    expect(other).toEqual(one);
  });

  it("treats negative and non-finite sizes as 0", () => {
    const graph = buildIndexedGraph([box("a", -5, Number.NaN)], []);
    expect([graph.width[0], graph.height[0]]).toEqual([0, 0]);
  });
});

describe("findFeedbackEdges", () => {
  it("reverses nothing in a DAG", () => {
    const graph = buildIndexedGraph([box("a"), box("b"), box("c")], [edge("a", "b"), edge("b", "c"), edge("a", "c")]);
    expect([...findFeedbackEdges(graph)]).toEqual([0, 0, 0]);
  });

  it("reverses the edge that closes a synthetic-data loop, seen from the pipeline's source", () => {
    // "a-model" sorts first, so a search started in id order would break the loop elsewhere.
    const graph = buildIndexedGraph(
      [box("a-model"), box("z-raw"), box("m-train"), box("b-generate"), box("c-synthetic")],
      [
        edge("z-raw", "m-train"),
        edge("m-train", "a-model"),
        edge("a-model", "b-generate"),
        edge("b-generate", "c-synthetic"),
        edge("c-synthetic", "m-train"),
      ],
    );
    expect(edgeNames(graph, findFeedbackEdges(graph))).toEqual(["c-synthetic>m-train"]);
  });

  it("breaks cycles that no source reaches, reversing one edge of a 2-cycle", () => {
    const graph = buildIndexedGraph(
      [box("a"), box("b"), box("c")],
      [edge("a", "b"), edge("b", "a"), edge("b", "c"), edge("c", "a")],
    );
    const reversed = findFeedbackEdges(graph);
    expect(edgeNames(graph, reversed)).toEqual(["b>a", "c>a"]);
    expect(isAcyclicAfterReversing(graph, reversed)).toBe(true);
  });

  it("makes generated lineage graphs with loops acyclic", () => {
    for (const seed of [1, 2, 3]) {
      const g = generateLineageGraph({ nodes: 2000, seed });
      const graph = buildIndexedGraph(g.nodes, g.edges);
      const reversed = findFeedbackEdges(graph);
      expect(isAcyclicAfterReversing(graph, new Uint8Array(reversed.length))).toBe(false);
      expect(isAcyclicAfterReversing(graph, reversed)).toBe(true);
    }
  });

  it("follows a 200k-node chain without overflowing the stack", () => {
    const count = 200_000;
    const nodes = Array.from({ length: count }, (_, i) => box(`n${String(i).padStart(6, "0")}`));
    const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id));
    edges.push(edge(nodes[count - 1]!.id, nodes[0]!.id));
    const graph = buildIndexedGraph(nodes, edges);
    expect(edgeNames(graph, findFeedbackEdges(graph))).toEqual([`${nodes[count - 1]!.id}>${nodes[0]!.id}`]);
  });
});
