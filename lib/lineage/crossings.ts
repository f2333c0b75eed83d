/**
 * Quality metrics of a finished drawing, used by tests and benchmarks to compare layouts (ours
 * against dagre) on the picture a user sees rather than on an algorithm's internals.
 *
 * Every edge is measured as the straight segment React Flow's left-to-right handles join: from the
 * middle of the source box's right side to the middle of the target box's left side. An edge that
 * spans several columns is that one straight segment (not the dummy-node polyline a layered
 * algorithm routes internally), and an edge drawn backwards to break a cycle runs from its
 * source's right side back to its target's left side.
 *
 * Edges whose endpoints are not both known (node and position), self-loops and duplicates are
 * ignored, as in layout.
 */
import type { LayoutEdgeInput, LayoutNodeInput } from "./layout-graph";

type Positions = Readonly<Record<string, { x: number; y: number }>>;

interface Segments {
  x1: Float64Array;
  y1: Float64Array;
  x2: Float64Array;
  y2: Float64Array;
  count: number;
}

function toSegments(
  nodes: readonly LayoutNodeInput[] | undefined,
  edges: readonly LayoutEdgeInput[],
  positions: Positions,
): Segments {
  const sizes = new Map<string, { width: number; height: number }>();
  if (nodes) for (const node of nodes) sizes.set(node.id, node);
  const seen = new Set<string>();
  const segments: Segments = {
    x1: new Float64Array(edges.length),
    y1: new Float64Array(edges.length),
    x2: new Float64Array(edges.length),
    y2: new Float64Array(edges.length),
    count: 0,
  };
  for (const { source, target } of edges) {
    if (source === target) continue;
    const from = Object.hasOwn(positions, source) ? positions[source] : undefined;
    const to = Object.hasOwn(positions, target) ? positions[target] : undefined;
    if (!from || !to) continue;
    const fromSize = nodes ? sizes.get(source) : { width: 0, height: 0 };
    const toSize = nodes ? sizes.get(target) : { width: 0, height: 0 };
    if (!fromSize || !toSize) continue;
    const key = `${source}\u0000${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const i = segments.count++;
    segments.x1[i] = from.x + fromSize.width;
    segments.y1[i] = from.y + fromSize.height / 2;
    segments.x2[i] = to.x;
    segments.y2[i] = to.y + toSize.height / 2;
  }
  return segments;
}

/** Sign of the turn a -> b -> c: > 0 counter-clockwise, < 0 clockwise, 0 collinear. */
function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/**
 * Number of pairs of edges whose straight segments (see the module comment) cross properly: each
 * passes strictly through the other. Edges that share an endpoint (two outputs of one job, two
 * inputs of one dataset) meet at a handle and do not count, nor do segments that only touch or
 * overlap along a line. A sweep over x keeps this near-linear for layered drawings.
 */
export function countCrossings(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
  positions: Positions,
): number {
  const { x1, y1, x2, y2, count } = toSegments(nodes, edges, positions);
  const minX = new Float64Array(count);
  const maxX = new Float64Array(count);
  const minY = new Float64Array(count);
  const maxY = new Float64Array(count);
  const byMinX = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    minX[i] = Math.min(x1[i], x2[i]);
    maxX[i] = Math.max(x1[i], x2[i]);
    minY[i] = Math.min(y1[i], y2[i]);
    maxY[i] = Math.max(y1[i], y2[i]);
    byMinX[i] = i;
  }
  byMinX.sort((a, b) => minX[a] - minX[b] || a - b);
  let crossings = 0;
  for (let p = 0; p < count; p++) {
    const i = byMinX[p];
    for (let q = p + 1; q < count; q++) {
      const j = byMinX[q];
      if (minX[j] >= maxX[i]) break;
      if (minY[j] >= maxY[i] || minY[i] >= maxY[j]) continue;
      const d1 = orientation(x1[i], y1[i], x2[i], y2[i], x1[j], y1[j]);
      const d2 = orientation(x1[i], y1[i], x2[i], y2[i], x2[j], y2[j]);
      if (d1 * d2 >= 0) continue;
      const d3 = orientation(x1[j], y1[j], x2[j], y2[j], x1[i], y1[i]);
      const d4 = orientation(x1[j], y1[j], x2[j], y2[j], x2[i], y2[i]);
      if (d3 * d4 < 0) crossings++;
    }
  }
  return crossings;
}

/**
 * Sum of the lengths of the edges' straight segments (see the module comment), in pixels. Without
 * `nodes` the sizes are unknown and each edge is measured between the top-left corners of its
 * boxes (the centre-to-centre distance when all boxes have one size).
 */
export function totalEdgeLength(
  edges: readonly LayoutEdgeInput[],
  positions: Positions,
  nodes?: readonly LayoutNodeInput[],
): number {
  const { x1, y1, x2, y2, count } = toSegments(nodes, edges, positions);
  let total = 0;
  for (let i = 0; i < count; i++) total += Math.hypot(x2[i] - x1[i], y2[i] - y1[i]);
  return total;
}
