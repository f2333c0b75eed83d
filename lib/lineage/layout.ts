/**
 * Layout of a lineage graph for the React Flow canvas: a pure, deterministic function of the
 * graph's structure (house habit 4).
 *
 * - Left to right: every edge points right, the way data flows, except the few edges chosen to
 *   break cycles (findCycleBreakingEdges), which point left.
 * - Positions are top-left corners, as React Flow expects; the drawing starts at (0, 0).
 * - The same nodes and edges in any order give the same positions: the input is canonicalised
 *   (sorted ids, sorted unique edges) before either algorithm sees it.
 * - Edges to or from an unknown node, self-loops and duplicate edges are ignored.
 *
 * Two algorithms: dagre (tight-tree ranker) for small and medium views, where its drawings are the
 * reference; Threadline's layered layout (./layered) for large ones, where dagre takes seconds.
 */
import { Graph, layout as runDagre } from "@dagrejs/dagre";
import { computeLayeredLayout } from "./layered";
import {
  buildIndexedGraph,
  findFeedbackEdges,
  type IndexedGraph,
  type LayoutEdgeInput,
  type LayoutNodeInput,
} from "./layout-graph";

export type { LayoutEdgeInput, LayoutNodeInput } from "./layout-graph";

export interface Point {
  x: number;
  y: number;
}

export interface LayoutResult {
  /** Top-left corner of every node's box, by node id. */
  positions: Record<string, { x: number; y: number }>;
  /**
   * Where each edge runs, keyed `source->target` (edgeKey): from the side of the source box it
   * leaves (right, or left for an edge drawn backwards) to the side of the target box it enters,
   * through every column it crosses at a height the layout kept free of boxes. Straight where two
   * points share a height; between columns, draw an S-curve with horizontal ends (routedEdgePath).
   */
  routes: Record<string, Point[]>;
  /** Extent of the drawing (boxes only). */
  width: number;
  height: number;
  /** The algorithm that actually ran ("auto" resolved). */
  algorithm: "dagre" | "layered";
}

/**
 * "dagre": dagre with the tight-tree ranker. "dagre-network-simplex": dagre's default ranker,
 * better ranks but superlinear; kept for benchmarks. "layered": Threadline's layered layout.
 * "auto": dagre below LAYERED_THRESHOLD nodes, layered from it up.
 */
export type LayoutAlgorithm = "dagre" | "dagre-network-simplex" | "layered" | "auto";

export interface LayoutOptions {
  algorithm?: LayoutAlgorithm;
  /** Horizontal gap between columns, in pixels. */
  rankSep?: number;
  /** Vertical gap between boxes in a column, in pixels. */
  nodeSep?: number;
}

/**
 * Node count from which "auto" switches to the layered layout. Measured on generated lineage
 * graphs (Node 20, CPU time, shared machine): dagre tight-tree costs about 40-60 ms up to 100
 * nodes, then 180 ms at 150, 0.6 s at 300 and 3 s at 1k, because hub datasets read all over the
 * graph give it hundreds of dummy nodes. The layered layout takes under 3 ms at 150 nodes and has
 * as few crossings as dagre from about 100 nodes up. So dagre keeps the small views, where it is
 * cheap enough to run inline, and everything from 150 nodes gets the layered layout.
 */
export const LAYERED_THRESHOLD = 150;

export const DEFAULT_RANK_SEP = 80;
export const DEFAULT_NODE_SEP = 24;

/** Lays out the graph left to right. See the module comment for the guarantees. */
export function layoutGraph(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  options: LayoutOptions = {},
): LayoutResult {
  const rankSep = options.rankSep ?? DEFAULT_RANK_SEP;
  const nodeSep = options.nodeSep ?? DEFAULT_NODE_SEP;
  const requested = options.algorithm ?? "auto";
  const graph = buildIndexedGraph(nodes, edges);
  const reversed = findFeedbackEdges(graph);
  const isLayered = requested === "layered" || (requested === "auto" && graph.ids.length >= LAYERED_THRESHOLD);

  let x: Float64Array;
  let y: Float64Array;
  let routes: Map<number, Float64Array>;
  if (isLayered) {
    ({ x, y, routes } = computeLayeredLayout(graph, reversed, { rankSep, nodeSep }));
  } else {
    ({ x, y, routes } = layoutWithDagre(graph, reversed, {
      rankSep,
      nodeSep,
      ranker: requested === "dagre-network-simplex" ? "network-simplex" : "tight-tree",
    }));
  }
  return toResult(graph, reversed, x, y, routes, isLayered ? "layered" : "dagre");
}

/**
 * The edges the layout draws backwards (target left of source) to break the graph's cycles: the
 * back edges of a depth-first search from the sources, in the canonical order. Both algorithms
 * break the same edges. Useful to draw them differently, and for tests.
 */
export function findCycleBreakingEdges(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
): LayoutEdgeInput[] {
  const graph = buildIndexedGraph(nodes, edges);
  const reversed = findFeedbackEdges(graph);
  const result: LayoutEdgeInput[] = [];
  for (let e = 0; e < reversed.length; e++) {
    if (reversed[e]) result.push({ source: graph.ids[graph.source[e]], target: graph.ids[graph.target[e]] });
  }
  return result;
}

/**
 * Runs dagre on a fresh graph. Cycles are broken beforehand (the flagged edges are given to dagre
 * reversed), so dagre sees a DAG and both algorithms agree on which edges point backwards.
 * Returns top-left corners by node index, and each DAG edge's route in the layered layout's form
 * (see LayeredLayout.routes): dagre's own dummy points, widened to cross each column straight.
 */
function layoutWithDagre(
  graph: IndexedGraph,
  reversed: Uint8Array,
  options: { rankSep: number; nodeSep: number; ranker: "tight-tree" | "network-simplex" },
): { x: Float64Array; y: Float64Array; routes: Map<number, Float64Array> } {
  const g = new Graph();
  g.setGraph({
    rankdir: "LR",
    ranker: options.ranker,
    ranksep: options.rankSep,
    nodesep: options.nodeSep,
    edgesep: options.nodeSep / 2,
    marginx: 0,
    marginy: 0,
  });
  g.setDefaultEdgeLabel(() => ({}));
  // dagre keys its graph by name in plain objects, where an id like "__proto__" misbehaves: it
  // gets the canonical index as its name instead.
  const { ids, width, height, source, target } = graph;
  const name = (i: number) => `n${i}`;
  for (let i = 0; i < ids.length; i++) g.setNode(name(i), { width: width[i], height: height[i] });
  for (let e = 0; e < source.length; e++) {
    if (reversed[e]) g.setEdge(name(target[e]), name(source[e]));
    else g.setEdge(name(source[e]), name(target[e]));
  }
  runDagre(g);
  const x = new Float64Array(ids.length);
  const y = new Float64Array(ids.length);
  // Every box of a column shares its centre (dagre places a rank at one x); a column is as wide as
  // its widest box.
  const columnHalfWidth = new Map<number, number>();
  const centreX = new Float64Array(ids.length);
  const centreY = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const label = g.node(name(i)) as { x: number; y: number };
    x[i] = label.x - width[i] / 2;
    y[i] = label.y - height[i] / 2;
    centreX[i] = label.x;
    centreY[i] = label.y;
    const column = Math.round(label.x);
    columnHalfWidth.set(column, Math.max(columnHalfWidth.get(column) ?? 0, width[i] / 2));
  }

  const n = ids.length;
  const routes = new Map<number, Float64Array>();
  for (let e = 0; e < source.length; e++) {
    const from = reversed[e] ? target[e] : source[e];
    const to = reversed[e] ? source[e] : target[e];
    const key = from * n + to;
    if (routes.has(key)) continue;
    const points: number[] = [centreX[from] + columnHalfWidth.get(Math.round(centreX[from]))!, centreY[from]];
    // dagre's points run from box to box through one dummy per rank. Ranks without boxes (dagre
    // doubles the ranks to make room for labels) lie in the gaps: skipped, the curve bends there.
    const dagrePoints = (g.edge(name(from), name(to)) as { points?: { x: number; y: number }[] }).points ?? [];
    for (const point of dagrePoints.slice(1, -1)) {
      const half = columnHalfWidth.get(Math.round(point.x));
      if (half === undefined) continue;
      points.push(point.x - half, point.y, point.x + half, point.y);
    }
    points.push(centreX[to] - columnHalfWidth.get(Math.round(centreX[to]))!, centreY[to]);
    routes.set(key, Float64Array.from(points));
  }
  return { x, y, routes };
}

/**
 * Shifts the drawing to start at (0, 0), keys the positions by id, and turns each DAG route into
 * its edge's route: reversed back for an edge drawn backwards, and ended on the boxes' own sides.
 */
function toResult(
  graph: IndexedGraph,
  reversed: Uint8Array,
  x: Float64Array,
  y: Float64Array,
  dagRoutes: Map<number, Float64Array>,
  algorithm: "dagre" | "layered",
): LayoutResult {
  const { ids, width, height } = graph;
  let left = Infinity;
  let top = Infinity;
  for (let i = 0; i < ids.length; i++) {
    left = Math.min(left, x[i]);
    top = Math.min(top, y[i]);
  }
  if (ids.length === 0) return { positions: {}, routes: {}, width: 0, height: 0, algorithm };
  const n = ids.length;
  const routes: Record<string, Point[]> = {};
  for (let e = 0; e < graph.source.length; e++) {
    const s = graph.source[e];
    const t = graph.target[e];
    const isBack = reversed[e] === 1;
    const flat = dagRoutes.get(isBack ? t * n + s : s * n + t);
    if (!flat) continue;
    const points: Point[] = [];
    for (let k = 0; k < flat.length; k += 2) points.push({ x: flat[k] - left, y: flat[k + 1] - top });
    if (isBack) points.reverse();
    // The ends on the boxes themselves: a box narrower than its column leaves a short straight run.
    const sourceSide = isBack ? x[s] : x[s] + width[s];
    const targetSide = isBack ? x[t] + width[t] : x[t];
    points.unshift({ x: sourceSide - left, y: y[s] + height[s] / 2 - top });
    points.push({ x: targetSide - left, y: y[t] + height[t] / 2 - top });
    routes[`${ids[s]}->${ids[t]}`] = points;
  }
  let right = 0;
  let bottom = 0;
  // fromEntries defines own properties, so an id such as "__proto__" is a position like any other.
  const positions = Object.fromEntries(
    ids.map((id, i) => {
      const position = { x: x[i] - left, y: y[i] - top };
      right = Math.max(right, position.x + width[i]);
      bottom = Math.max(bottom, position.y + height[i]);
      return [id, position];
    }),
  );
  return { positions, routes, width: right, height: bottom, algorithm };
}
