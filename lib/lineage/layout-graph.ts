/**
 * The input side of layout, shared by the dagre and the layered algorithms: a canonical, indexed
 * copy of the graph and a deterministic choice of the edges that break its cycles.
 *
 * Canonical means independent of the order the caller listed nodes and edges in, so that the same
 * graph always gets the same layout: node ids are sorted (by UTF-16 code units, never by locale),
 * edges are sorted by (source index, target index), and everything a layout cannot draw is dropped.
 */

/** A node to place: its id and the size of its box in pixels. */
export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
}

/** A directed edge, pointing in the direction data flows (producer -> consumer). */
export interface LayoutEdgeInput {
  source: string;
  target: string;
}

/**
 * A graph in index form. Node `i` is `ids[i]`; edge `e` goes from `source[e]` to `target[e]`.
 * Edges are unique, have no self-loops, and are sorted by (source, target).
 */
export interface IndexedGraph {
  ids: string[];
  width: Float64Array;
  height: Float64Array;
  source: Int32Array;
  target: Int32Array;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sizeOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Builds the canonical indexed graph. Edges whose source or target is not a node, self-loops and
 * duplicate edges are dropped (a layout has nothing to do with them). A node id listed twice keeps
 * the larger of its widths and heights, so the result does not depend on which copy came first.
 * Sizes that are negative or not finite count as 0.
 */
export function buildIndexedGraph(
  nodes: readonly LayoutNodeInput[],
  edges: readonly LayoutEdgeInput[],
): IndexedGraph {
  const sizeById = new Map<string, { width: number; height: number }>();
  for (const node of nodes) {
    const width = sizeOrZero(node.width);
    const height = sizeOrZero(node.height);
    const seen = sizeById.get(node.id);
    if (seen) {
      seen.width = Math.max(seen.width, width);
      seen.height = Math.max(seen.height, height);
    } else {
      sizeById.set(node.id, { width, height });
    }
  }
  const ids = [...sizeById.keys()].sort(compareCodeUnits);
  const n = ids.length;
  const width = new Float64Array(n);
  const height = new Float64Array(n);
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const size = sizeById.get(id)!;
    width[i] = size.width;
    height[i] = size.height;
    indexById.set(id, i);
  }

  // One number per edge (source * n + target) sorts edges by (source, target) and makes
  // duplicates adjacent. Exact in a double for any graph that fits in memory.
  const keys = new Float64Array(edges.length);
  let count = 0;
  for (const edge of edges) {
    const s = indexById.get(edge.source);
    const t = indexById.get(edge.target);
    if (s === undefined || t === undefined || s === t) continue;
    keys[count++] = s * n + t;
  }
  const sorted = keys.subarray(0, count).sort();
  let unique = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i];
  }
  const source = new Int32Array(unique);
  const target = new Int32Array(unique);
  for (let e = 0; e < unique; e++) {
    const key = sorted[e];
    const s = Math.floor(key / n);
    source[e] = s;
    target[e] = key - s * n;
  }
  return { ids, width, height, source, target };
}

/**
 * Chooses the edges to reverse so that the graph becomes acyclic: the back edges of a depth-first
 * search. Returns one flag per edge of `graph` (1 = reversed while laying out).
 *
 * The search starts from the sources (nodes nothing flows into), in index order, and only then
 * from the nodes left over, which sit on cycles no source reaches. Starting from sources makes
 * the reversed edge the one that closes a loop (synthetic data flowing back into training), not an
 * edge in the middle of the pipeline. Iterative, so long chains cannot overflow the stack.
 */
export function findFeedbackEdges(graph: IndexedGraph): Uint8Array {
  const n = graph.ids.length;
  const m = graph.source.length;
  const { source, target } = graph;
  const reversed = new Uint8Array(m);
  // Edges are sorted by source, so the out-edges of u are the range outStart[u]..outStart[u+1].
  const outStart = new Int32Array(n + 1);
  const inDegree = new Int32Array(n);
  for (let e = 0; e < m; e++) {
    outStart[source[e] + 1]++;
    inDegree[target[e]]++;
  }
  for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i];

  const state = new Uint8Array(n); // 0 unvisited, 1 on the DFS stack, 2 finished
  const stackNode = new Int32Array(n);
  const stackEdge = new Int32Array(n); // next out-edge to look at for the node at that depth

  const visitFrom = (root: number) => {
    let depth = 0;
    stackNode[0] = root;
    stackEdge[0] = outStart[root];
    state[root] = 1;
    while (depth >= 0) {
      const u = stackNode[depth];
      const e = stackEdge[depth];
      if (e < outStart[u + 1]) {
        stackEdge[depth] = e + 1;
        const v = target[e];
        if (state[v] === 1) {
          reversed[e] = 1;
        } else if (state[v] === 0) {
          state[v] = 1;
          depth++;
          stackNode[depth] = v;
          stackEdge[depth] = outStart[v];
        }
      } else {
        state[u] = 2;
        depth--;
      }
    }
  };

  for (let i = 0; i < n; i++) if (inDegree[i] === 0 && state[i] === 0) visitFrom(i);
  for (let i = 0; i < n; i++) if (state[i] === 0) visitFrom(i);
  return reversed;
}
