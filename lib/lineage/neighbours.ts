/**
 * Neighbourhoods on the client: merging an expanded neighbourhood into the view, counting what the
 * view does not show, and moving between neighbours with the keyboard. Plain data in, plain data out.
 */
import type { LineageEdge, LineageGraph, LineageNode } from "./types";

/** The key an edge is known by in a view: one edge per (source, target) pair. */
export function edgeKey(edge: LineageEdge): string {
  return `${edge.source}->${edge.target}`;
}

/**
 * Merges a neighbourhood fetched around one node (a "+N" expansion) into the graph on screen.
 *
 * - The focus stays the base graph's focus: expanding never re-centres.
 * - Nodes are unioned by id. A node present in both keeps its place in the base order but takes the
 *   addition's copy, which was fetched later and so carries the fresher counts and state.
 * - Edges are unioned by (source, target); an edge whose ends are not both in the result is dropped,
 *   so the merged graph never points at a node it does not hold.
 * - `truncated` is true when either side was cut by the node budget.
 */
export function mergeGraphs(base: LineageGraph, addition: LineageGraph): LineageGraph {
  const additionById = new Map(addition.nodes.map((node) => [node.id, node]));
  const nodes: LineageNode[] = base.nodes.map((node) => additionById.get(node.id) ?? node);
  const present = new Set(nodes.map((node) => node.id));
  for (const node of addition.nodes) {
    if (!present.has(node.id)) {
      nodes.push(node);
      present.add(node.id);
    }
  }

  const edges: LineageEdge[] = [];
  const seen = new Set<string>();
  for (const edge of [...base.edges, ...addition.edges]) {
    const key = edgeKey(edge);
    if (seen.has(key) || !present.has(edge.source) || !present.has(edge.target)) continue;
    seen.add(key);
    edges.push({ source: edge.source, target: edge.target });
  }

  return { focus: base.focus, nodes, edges, truncated: base.truncated || addition.truncated };
}

/** Direct neighbours of every node in a view, both ways, in edge order. */
export interface Adjacency {
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

export function buildAdjacency(graph: Pick<LineageGraph, "nodes" | "edges">): Adjacency {
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const node of graph.nodes) {
    upstream.set(node.id, []);
    downstream.set(node.id, []);
  }
  // A duplicate edge is skipped by key: includes() made a hub with thousands of neighbours quadratic.
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    if (edge.source === edge.target) continue;
    const down = downstream.get(edge.source);
    const up = upstream.get(edge.target);
    if (!down || !up) continue;
    const key = `${edge.source}\u0000${edge.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    down.push(edge.target);
    up.push(edge.source);
  }
  return { upstream, downstream };
}

/** What a big view is framed around besides its focus (frameView's `near`): the focus's direct neighbours and the selection. */
export function framedNear(adjacency: Adjacency, focusId: string, selectedId: string | null): string[] {
  return [...(adjacency.upstream.get(focusId) ?? []), ...(adjacency.downstream.get(focusId) ?? []), ...(selectedId ? [selectedId] : [])];
}

/**
 * How many direct neighbours of each node the store has but the view does not show: the "+N" on a
 * node's side. The store's totals (upstreamCount/downstreamCount) minus the neighbours in the view,
 * never below zero (a view may know an edge the counts were computed before).
 */
export function countHiddenNeighbours(
  graph: Pick<LineageGraph, "nodes" | "edges">,
): Map<string, { upstream: number; downstream: number }> {
  const adjacency = buildAdjacency(graph);
  const hidden = new Map<string, { upstream: number; downstream: number }>();
  for (const node of graph.nodes) {
    hidden.set(node.id, {
      upstream: Math.max(0, node.upstreamCount - (adjacency.upstream.get(node.id)?.length ?? 0)),
      downstream: Math.max(0, node.downstreamCount - (adjacency.downstream.get(node.id)?.length ?? 0)),
    });
  }
  return hidden;
}

export type ArrowKey = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";

export interface Point {
  x: number;
  y: number;
}

/**
 * The node an arrow key moves the selection to, on a left-to-right lineage layout.
 *
 * - Right: the downstream neighbour nearest vertically; Left: the upstream one likewise.
 * - Up / Down: the nearest node above / below in the same column (centres within `columnTolerance`
 *   pixels horizontally); when the column has none, the nearest neighbour above / below.
 * Returns null when there is nowhere to go, so the selection stays put. `centres` are node centres.
 */
export function findNodeInDirection(
  from: string,
  key: ArrowKey,
  adjacency: Adjacency,
  centres: ReadonlyMap<string, Point>,
  columnTolerance = 40,
): string | null {
  const origin = centres.get(from);
  if (!origin) return null;

  const nearest = (candidates: Iterable<string>, accept: (p: Point) => boolean, distance: (p: Point) => number) => {
    let best: string | null = null;
    let bestDistance = Infinity;
    for (const id of candidates) {
      if (id === from) continue;
      const p = centres.get(id);
      if (!p || !accept(p)) continue;
      const d = distance(p);
      // Ties go to the smaller id so the answer does not depend on iteration order.
      if (d < bestDistance || (d === bestDistance && best !== null && id < best)) {
        best = id;
        bestDistance = d;
      }
    }
    return best;
  };

  if (key === "ArrowRight" || key === "ArrowLeft") {
    const side = key === "ArrowRight" ? adjacency.downstream.get(from) : adjacency.upstream.get(from);
    return nearest(side ?? [], () => true, (p) => Math.abs(p.y - origin.y) + Math.abs(p.x - origin.x) / 1000);
  }

  const isBelow = key === "ArrowDown";
  const isOnSide = (p: Point) => (isBelow ? p.y > origin.y : p.y < origin.y);
  const inColumn = nearest(
    centres.keys(),
    (p) => isOnSide(p) && Math.abs(p.x - origin.x) <= columnTolerance,
    (p) => Math.abs(p.y - origin.y),
  );
  if (inColumn) return inColumn;
  const neighbours = [...(adjacency.upstream.get(from) ?? []), ...(adjacency.downstream.get(from) ?? [])];
  return nearest(neighbours, isOnSide, (p) => Math.abs(p.y - origin.y) + Math.abs(p.x - origin.x));
}
