/** Small graphs for the lineage unit tests: built by name, so a test reads like the picture it draws. */
import type { LineageGraph, LineageNode, NodeType } from "./types";

export function makeNode(id: string, overrides: Partial<LineageNode> = {}): LineageNode {
  const type = (id.slice(0, id.indexOf(":")) || "dataset") as NodeType;
  const name = id.split(":").slice(2).join(":") || id;
  return {
    id,
    type,
    namespace: "test",
    name,
    kind: type === "dataset" || type === "datasetVersion" ? "data" : null,
    version: null,
    state: null,
    isFailed: false,
    isSynthetic: false,
    isFlagged: false,
    upstreamCount: 0,
    downstreamCount: 0,
    time: null,
    ...overrides,
  };
}

/** A graph from "a>b" edge strings; every node named in an edge exists, counts match the edges. */
export function makeGraph(focus: string, edgeSpecs: string[], extraNodes: string[] = []): LineageGraph {
  const edges = edgeSpecs.map((spec) => {
    const [source, target] = spec.split(">");
    return { source, target };
  });
  const ids = [...new Set([focus, ...extraNodes, ...edges.flatMap((e) => [e.source, e.target])])];
  const nodes = ids.map((id) =>
    makeNode(id, {
      upstreamCount: edges.filter((e) => e.target === id).length,
      downstreamCount: edges.filter((e) => e.source === id).length,
    }),
  );
  return { focus, nodes, edges, truncated: false };
}
