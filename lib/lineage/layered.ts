/**
 * Threadline's own layered (Sugiyama-style) layout, for views too big for dagre.
 *
 * Dagre's object-heavy graph costs seconds from about a thousand nodes; this runs the same four
 * phases on typed arrays, in time close to linear in the size of the layered drawing:
 *
 * 1. Ranking: longest path from the sources, then a pull-right pass that moves every node with at
 *    least as many outputs as inputs next to its nearest consumer (sources no longer pile up in
 *    the first column, far from the jobs that read them).
 * 2. Long edges get a dummy node in every column they cross; the long edges leaving one node share
 *    one chain of dummies (a trunk), so a hub read all over the graph costs one chain, not one per
 *    reader.
 * 3. Crossing reduction: a depth-first initial order, then a bounded number of alternating
 *    barycenter / median sweeps, each followed by adjacent transposition. Crossings are counted
 *    exactly after every sweep (accumulator tree) and the best order is kept. Transposition is
 *    bounded by a work budget, not a clock, so the result stays deterministic.
 * 4. Coordinates: ranks become columns left to right (a column is as wide as its widest box);
 *    within a column the boxes keep their order and are pulled towards the median of their
 *    neighbours in the adjacent column, by a weighted isotonic regression (pool adjacent violators)
 *    that keeps nodeSep between boxes: an exact least-squares answer per column in linear time,
 *    a cheap stand-in for Brandes-Köpf / the priority method. Dummies weigh more, which keeps long
 *    edges straight.
 *
 * The input must already be acyclic after reversing the edges flagged in `reversed` (see
 * findFeedbackEdges): reversed edges are laid out pointing backwards, so their target sits left of
 * their source.
 */
import type { IndexedGraph } from "./layout-graph";

export interface LayeredOptions {
  /** Horizontal gap between columns (ranks). */
  rankSep: number;
  /** Vertical gap between two boxes in a column. */
  nodeSep: number;
  /** Vertical gap kept next to an edge passing through a column; defaults to nodeSep / 2. */
  edgeSep?: number;
  /** Ordering sweeps (each one down or up the ranks); defaults to 8. */
  sweeps?: number;
}

/** Top-left corners by node index of the indexed graph, the rank of each node, and the extent. */
export interface LayeredLayout {
  x: Float64Array;
  y: Float64Array;
  rank: Int32Array;
  width: number;
  height: number;
  /**
   * The route of every edge of the laid-out DAG (flagged edges already reversed), keyed by
   * `source * n + target`: flat x,y pairs from the right side of the source's column to the left
   * side of the target's, crossing every column in between at its dummy's height. Boxes never
   * sit there, so an edge drawn along its route passes behind no node.
   */
  routes: Map<number, Float64Array>;
}

const DEFAULT_SWEEPS = 8;
/** Sweeps in a row without fewer crossings before the search stops early. */
const PATIENCE = 4;
/** Transposition work (neighbour comparisons) allowed per item + segment of the layered graph. */
const TRANSPOSE_WORK_PER_ELEMENT = 40;
const COORDINATE_ROUNDS = 4;
const DUMMY_WEIGHT = 4;
const FREE_WEIGHT = 0.05;

/** The layered graph: real nodes 0..n-1 then dummies; each segment joins rank r to rank r+1. */
interface Layers {
  n: number;
  items: number;
  rank: Int32Array;
  maxRank: number;
  upStart: Int32Array;
  up: Int32Array;
  downStart: Int32Array;
  down: Int32Array;
  /** Items of rank r in their current order: order[layerStart[r] .. layerStart[r + 1]). */
  layerStart: Int32Array;
  order: Int32Array;
  /** Position of each item within its rank. */
  pos: Int32Array;
  /** The first dummy of each real node's trunk (its dummy in the next rank), or -1. */
  trunkStart: Int32Array;
}

/**
 * Lays out an indexed graph left to right (see the module comment). `reversed` flags the edges to
 * lay out backwards; with them reversed the graph must be acyclic, or this throws. Returns
 * top-left corners by node index, with the drawing starting at (0, 0).
 */
export function computeLayeredLayout(
  graph: IndexedGraph,
  reversed: Uint8Array,
  options: LayeredOptions,
): LayeredLayout {
  const n = graph.ids.length;
  if (n === 0) {
    return { x: new Float64Array(0), y: new Float64Array(0), rank: new Int32Array(0), width: 0, height: 0, routes: new Map() };
  }
  const { source: dagSource, target: dagTarget } = orientEdges(graph, reversed);
  const rank = rankNodes(n, dagSource, dagTarget);
  const layers = buildLayers(n, rank, dagSource, dagTarget);
  initialOrder(layers);
  reduceCrossings(layers, options.sweeps ?? DEFAULT_SWEEPS);
  const centreY = assignY(layers, graph.height, options.nodeSep, options.edgeSep ?? options.nodeSep / 2);
  return placeBoxes(layers, graph, centreY, options.rankSep, dagSource, dagTarget);
}

/** The DAG to lay out: flagged edges reversed, duplicates from reversed 2-cycles collapsed. */
function orientEdges(graph: IndexedGraph, reversed: Uint8Array): { source: Int32Array; target: Int32Array } {
  const n = graph.ids.length;
  const m = graph.source.length;
  const keys = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const s = graph.source[e];
    const t = graph.target[e];
    keys[e] = reversed[e] ? t * n + s : s * n + t;
  }
  keys.sort();
  let unique = 0;
  for (let e = 0; e < m; e++) if (e === 0 || keys[e] !== keys[e - 1]) keys[unique++] = keys[e];
  const source = new Int32Array(unique);
  const target = new Int32Array(unique);
  for (let e = 0; e < unique; e++) {
    const s = Math.floor(keys[e] / n);
    source[e] = s;
    target[e] = keys[e] - s * n;
  }
  return { source, target };
}

/** Compressed adjacency: the neighbours of i are list[start[i] .. start[i + 1]). */
function buildAdjacency(count: number, from: Int32Array, to: Int32Array, length: number) {
  const start = new Int32Array(count + 1);
  for (let e = 0; e < length; e++) start[from[e] + 1]++;
  for (let i = 0; i < count; i++) start[i + 1] += start[i];
  const fill = start.slice(0, count);
  const list = new Int32Array(length);
  for (let e = 0; e < length; e++) list[fill[from[e]]++] = to[e];
  return { start, list };
}

/**
 * Longest-path ranks, then each node with outputs and no more inputs than outputs moves right,
 * next to its nearest consumer (that shortens its out-edges by more than it lengthens its
 * in-edges, or by as much, and brings producers next to what reads them). Processing in reverse
 * topological order lets whole chains move. No rank empties: the nodes of a longest path are
 * each one rank before their successor on it, so none of them moves.
 */
function rankNodes(n: number, source: Int32Array, target: Int32Array): Int32Array {
  const m = source.length;
  const out = buildAdjacency(n, source, target, m);
  const inn = buildAdjacency(n, target, source, m);

  // Kahn's algorithm with a FIFO seeded in index order: a deterministic topological order.
  const topo = new Int32Array(n);
  const remaining = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) {
    remaining[v] = inn.start[v + 1] - inn.start[v];
    if (remaining[v] === 0) topo[tail++] = v;
  }
  for (let head = 0; head < tail; head++) {
    const v = topo[head];
    for (let k = out.start[v]; k < out.start[v + 1]; k++) {
      const w = out.list[k];
      if (--remaining[w] === 0) topo[tail++] = w;
    }
  }
  if (tail !== n) throw new Error("computeLayeredLayout: the graph still has a cycle after reversing the feedback edges");

  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = topo[i];
    for (let k = out.start[v]; k < out.start[v + 1]; k++) {
      const w = out.list[k];
      if (rank[w] < rank[v] + 1) rank[w] = rank[v] + 1;
    }
  }

  for (let i = n - 1; i >= 0; i--) {
    const v = topo[i];
    const outDegree = out.start[v + 1] - out.start[v];
    const inDegree = inn.start[v + 1] - inn.start[v];
    if (outDegree === 0 || outDegree < inDegree) continue;
    let nearest = Infinity;
    for (let k = out.start[v]; k < out.start[v + 1]; k++) nearest = Math.min(nearest, rank[out.list[k]]);
    rank[v] = nearest - 1;
  }

  return rank;
}

/**
 * Splits long edges with dummies and builds the per-rank adjacency and layer arrays.
 *
 * The long out-edges of one node share their dummies: a single trunk runs from the node to the
 * rank before its farthest consumer, and each consumer branches off the trunk in the rank before
 * its own. Hub datasets (a base model or tokenizer read all over the pipeline) would otherwise
 * bring one dummy chain per reader, most of the drawing's items and height; sharing also keeps a
 * hub's readers together, which is what the eye follows.
 */
function buildLayers(n: number, nodeRank: Int32Array, source: Int32Array, target: Int32Array): Layers {
  const m = source.length;
  // Edges are sorted by source, so the out-edges of a node are consecutive: [e, end).
  const trunkEnd = (e: number): { end: number; farthest: number } => {
    const from = source[e];
    let farthest = nodeRank[from] + 1;
    let end = e;
    for (; end < m && source[end] === from; end++) farthest = Math.max(farthest, nodeRank[target[end]]);
    return { end, farthest };
  };
  let dummies = 0;
  for (let e = 0; e < m; ) {
    const { end, farthest } = trunkEnd(e);
    dummies += farthest - nodeRank[source[e]] - 1;
    e = end;
  }
  const items = n + dummies;
  const segments = m + dummies;
  const rank = new Int32Array(items);
  rank.set(nodeRank);
  const segU = new Int32Array(segments);
  const segV = new Int32Array(segments);
  let nextItem = n;
  let s = 0;
  const trunkStart = new Int32Array(n).fill(-1);
  for (let e = 0; e < m; ) {
    const from = source[e];
    const { end, farthest } = trunkEnd(e);
    // The trunk dummy in rank r is firstDummy + (r - rank[from] - 1).
    const firstDummy = nextItem;
    if (farthest - nodeRank[from] > 1) trunkStart[from] = firstDummy;
    let previous = from;
    for (let r = nodeRank[from] + 1; r < farthest; r++) {
      const dummy = nextItem++;
      rank[dummy] = r;
      segU[s] = previous;
      segV[s] = dummy;
      s++;
      previous = dummy;
    }
    for (let f = e; f < end; f++) {
      const span = nodeRank[target[f]] - nodeRank[from];
      segU[s] = span === 1 ? from : firstDummy + span - 2;
      segV[s] = target[f];
      s++;
    }
    e = end;
  }
  const downAdj = buildAdjacency(items, segU, segV, segments);
  const upAdj = buildAdjacency(items, segV, segU, segments);

  let maxRank = 0;
  for (let i = 0; i < n; i++) if (nodeRank[i] > maxRank) maxRank = nodeRank[i];
  const layerStart = new Int32Array(maxRank + 2);
  for (let i = 0; i < items; i++) layerStart[rank[i] + 1]++;
  for (let r = 0; r <= maxRank; r++) layerStart[r + 1] += layerStart[r];
  return {
    n,
    items,
    rank,
    maxRank,
    upStart: upAdj.start,
    up: upAdj.list,
    downStart: downAdj.start,
    down: downAdj.list,
    layerStart,
    order: new Int32Array(items),
    pos: new Int32Array(items),
    trunkStart,
  };
}

/**
 * Depth-first initial order (as dagre does): real nodes by rank then index, each followed down
 * its edges, every item appended to its rank when first reached. Keeps chains together.
 */
function initialOrder(layers: Layers): void {
  const { n, items, rank, downStart, down, layerStart, order, pos } = layers;
  const fill = layerStart.slice(0, layers.maxRank + 1);
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) roots[i] = i;
  roots.sort((a, b) => rank[a] - rank[b] || a - b);
  const visited = new Uint8Array(items);
  const stackItem = new Int32Array(items);
  const stackNext = new Int32Array(items);
  const place = (item: number) => {
    visited[item] = 1;
    const slot = fill[rank[item]]++;
    order[slot] = item;
    pos[item] = slot - layerStart[rank[item]];
  };
  for (let k = 0; k < n; k++) {
    const root = roots[k];
    if (visited[root]) continue;
    place(root);
    let depth = 0;
    stackItem[0] = root;
    stackNext[0] = downStart[root];
    while (depth >= 0) {
      const item = stackItem[depth];
      const next = stackNext[depth];
      if (next < downStart[item + 1]) {
        stackNext[depth] = next + 1;
        const child = down[next];
        if (!visited[child]) {
          place(child);
          depth++;
          stackItem[depth] = child;
          stackNext[depth] = downStart[child];
        }
      } else {
        depth--;
      }
    }
  }
}

/** Sorts list[from..to) ascending in place (insertion sort: neighbour lists are mostly short). */
function sortRange(list: Int32Array | Float64Array, from: number, to: number): void {
  if (to - from > 32) {
    list.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const value = list[i];
    let j = i - 1;
    while (j >= from && list[j] > value) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = value;
  }
}

/**
 * Exact number of crossings between segments of adjacent ranks for the current order, counted
 * per rank pair with a Fenwick tree over the lower rank (Barth, Jünger, Mutzel): O(S log L).
 */
function countLayerCrossings(layers: Layers, tree: Int32Array, scratch: Int32Array): number {
  const { maxRank, layerStart, order, downStart, down, pos } = layers;
  let crossings = 0;
  for (let r = 0; r < maxRank; r++) {
    const size = layerStart[r + 2] - layerStart[r + 1];
    tree.fill(0, 0, size + 1);
    let inserted = 0;
    for (let k = layerStart[r]; k < layerStart[r + 1]; k++) {
      const u = order[k];
      const from = downStart[u];
      const degree = downStart[u + 1] - from;
      for (let j = 0; j < degree; j++) scratch[j] = pos[down[from + j]];
      sortRange(scratch, 0, degree);
      for (let j = 0; j < degree; j++) {
        const p = scratch[j] + 1;
        let atMost = 0;
        for (let i = p; i > 0; i -= i & -i) atMost += tree[i];
        crossings += inserted - atMost;
        for (let i = p; i <= size; i += i & -i) tree[i]++;
        inserted++;
      }
    }
  }
  return crossings;
}

/** Scratch arrays for sortLayer, allocated once per layout. */
interface SortScratch {
  key: Float64Array;
  values: Float64Array;
  movable: Int32Array;
  sorted: Int32Array;
  buckets: Int32Array;
}

/**
 * Reorders rank r by the barycenter or median position of each item's neighbours in the reference
 * rank (refRank). Items without such neighbours keep their slot; ties keep the current order.
 * Keys lie in [0, size of the reference rank), so a stable counting sort on their integer part
 * followed by insertion sort within each bucket replaces a comparison sort: same order, linear time.
 */
function sortLayer(
  layers: Layers,
  r: number,
  refRank: number,
  refStart: Int32Array,
  ref: Int32Array,
  useMedian: boolean,
  scratch: SortScratch,
): void {
  const { layerStart, order, pos } = layers;
  const { key, values, movable, sorted, buckets } = scratch;
  const from = layerStart[r];
  const to = layerStart[r + 1];
  let count = 0;
  for (let k = from; k < to; k++) {
    const v = order[k];
    const a = refStart[v];
    const degree = refStart[v + 1] - a;
    if (degree === 0) continue;
    if (degree === 1) {
      key[v] = pos[ref[a]];
    } else if (useMedian) {
      for (let j = 0; j < degree; j++) values[j] = pos[ref[a + j]];
      sortRange(values, 0, degree);
      const mid = degree >> 1;
      key[v] = degree & 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    } else {
      let sum = 0;
      for (let j = 0; j < degree; j++) sum += pos[ref[a + j]];
      key[v] = sum / degree;
    }
    movable[count++] = v;
  }
  if (count < 2) return;

  const bucketCount = layerStart[refRank + 1] - layerStart[refRank];
  buckets.fill(0, 0, bucketCount + 1);
  for (let i = 0; i < count; i++) buckets[Math.floor(key[movable[i]]) + 1]++;
  for (let b = 0; b < bucketCount; b++) buckets[b + 1] += buckets[b];
  for (let i = 0; i < count; i++) {
    const v = movable[i];
    sorted[buckets[Math.floor(key[v])]++] = v;
  }
  // Within a bucket keys differ only in their fraction: stable insertion sort by key.
  for (let i = 1; i < count; i++) {
    const v = sorted[i];
    const kv = key[v];
    let j = i - 1;
    while (j >= 0 && key[sorted[j]] > kv) {
      sorted[j + 1] = sorted[j];
      j--;
    }
    sorted[j + 1] = v;
  }

  let next = 0;
  for (let k = from; k < to; k++) {
    const v = order[k];
    if (refStart[v + 1] === refStart[v]) continue;
    const w = sorted[next++];
    order[k] = w;
    pos[w] = k - from;
  }
}

/**
 * Crossings among the segments of two neighbouring items v (left) and w (right) towards one
 * adjacent rank, given their neighbours' positions sorted: returns [if v stays left, if w moves
 * left]. Pairs sharing a neighbour cross in neither order.
 */
function pairCrossings(sorted: Int32Array, aFrom: number, aTo: number, bFrom: number, bTo: number, result: Float64Array): void {
  let vLeft = 0;
  let wLeft = 0;
  let below = bFrom; // first b >= a
  let atMost = bFrom; // first b > a
  for (let i = aFrom; i < aTo; i++) {
    const a = sorted[i];
    while (below < bTo && sorted[below] < a) below++;
    while (atMost < bTo && sorted[atMost] <= a) atMost++;
    vLeft += below - bFrom; // b < a: v's segment goes below w's
    wLeft += bTo - atMost; // b > a
  }
  result[0] += vLeft;
  result[1] += wLeft;
}

/**
 * One pass of adjacent transposition over every rank: swaps two neighbours when that removes
 * crossings with both adjacent ranks. Stops early once `budget` work (neighbour comparisons) is
 * spent; returns the work spent and the number of swaps made.
 */
function transposePass(layers: Layers, budget: number, upSorted: Int32Array, downSorted: Int32Array): { work: number; swaps: number } {
  const { maxRank, layerStart, order, pos, upStart, up, downStart, down } = layers;
  const result = new Float64Array(2);
  let work = 0;
  let swaps = 0;
  for (let r = 0; r <= maxRank && work < budget; r++) {
    const from = layerStart[r];
    const to = layerStart[r + 1];
    if (to - from < 2) continue;
    for (let k = from; k < to; k++) {
      const v = order[k];
      for (let j = upStart[v]; j < upStart[v + 1]; j++) upSorted[j] = pos[up[j]];
      sortRange(upSorted, upStart[v], upStart[v + 1]);
      for (let j = downStart[v]; j < downStart[v + 1]; j++) downSorted[j] = pos[down[j]];
      sortRange(downSorted, downStart[v], downStart[v + 1]);
    }
    let improved = true;
    for (let round = 0; improved && round < 4 && work < budget; round++) {
      improved = false;
      for (let k = from; k + 1 < to; k++) {
        const v = order[k];
        const w = order[k + 1];
        result[0] = 0;
        result[1] = 0;
        pairCrossings(upSorted, upStart[v], upStart[v + 1], upStart[w], upStart[w + 1], result);
        pairCrossings(downSorted, downStart[v], downStart[v + 1], downStart[w], downStart[w + 1], result);
        work += upStart[v + 1] - upStart[v] + upStart[w + 1] - upStart[w] + downStart[v + 1] - downStart[v] + downStart[w + 1] - downStart[w] + 1;
        if (result[1] < result[0]) {
          order[k] = w;
          order[k + 1] = v;
          pos[w] = k - from;
          pos[v] = k + 1 - from;
          improved = true;
          swaps++;
        }
      }
    }
  }
  return { work, swaps };
}

function reduceCrossings(layers: Layers, sweeps: number): void {
  const { items, maxRank, layerStart, order, pos, upStart, up, downStart, down } = layers;
  if (maxRank === 0) return;
  let widest = 0;
  for (let r = 0; r <= maxRank; r++) widest = Math.max(widest, layerStart[r + 1] - layerStart[r]);
  const tree = new Int32Array(widest + 1);
  const scratch = new Int32Array(Math.max(widest, 1));
  const sortScratch: SortScratch = {
    key: new Float64Array(items),
    values: new Float64Array(Math.max(widest, 1)),
    movable: new Int32Array(widest),
    sorted: new Int32Array(widest),
    buckets: new Int32Array(widest + 1),
  };
  const upSorted = new Int32Array(up.length);
  const downSorted = new Int32Array(down.length);
  let budget = TRANSPOSE_WORK_PER_ELEMENT * (items + down.length);

  // Each sweep may spend an equal share of the budget; the polish at the end gets the rest.
  const perSweep = budget / (sweeps + 1);
  const bestOrder = order.slice();
  let best = countLayerCrossings(layers, tree, scratch);
  let sinceBest = 0;
  for (let sweep = 0; sweep < sweeps && best > 0 && sinceBest < PATIENCE; sweep++) {
    const downwards = sweep % 2 === 0;
    const useMedian = (sweep >> 1) % 2 === 1;
    if (downwards) {
      for (let r = 1; r <= maxRank; r++) sortLayer(layers, r, r - 1, upStart, up, useMedian, sortScratch);
    } else {
      for (let r = maxRank - 1; r >= 0; r--) sortLayer(layers, r, r + 1, downStart, down, useMedian, sortScratch);
    }
    budget -= transposePass(layers, Math.min(budget, perSweep), upSorted, downSorted).work;
    const crossings = countLayerCrossings(layers, tree, scratch);
    if (crossings < best) {
      best = crossings;
      bestOrder.set(order);
      sinceBest = 0;
    } else {
      sinceBest++;
    }
  }
  order.set(bestOrder);
  for (let r = 0; r <= maxRank; r++) {
    for (let k = layerStart[r]; k < layerStart[r + 1]; k++) pos[order[k]] = k - layerStart[r];
  }
  // Polish the best order: transposition never adds crossings, so run it to a fixed point.
  while (budget > 0 && best > 0) {
    const { work, swaps } = transposePass(layers, budget, upSorted, downSorted);
    budget -= work;
    if (swaps === 0) break;
  }
}

/**
 * Vertical centres for every item. Each column is stacked in order with the required gaps, then
 * repeatedly re-placed as close as possible (weighted least squares) to the medians of its items'
 * neighbours in the previous column (down pass) or next column (up pass), finishing with passes
 * that look both ways.
 */
function assignY(layers: Layers, nodeHeight: Float64Array, nodeSep: number, edgeSep: number): Float64Array {
  const { n, items, maxRank, layerStart, order, upStart, up, downStart, down } = layers;
  const y = new Float64Array(items);
  const offset = new Float64Array(items); // cumulative minimum gap from the first item of the column
  let widest = 0;
  for (let r = 0; r <= maxRank; r++) {
    const from = layerStart[r];
    const to = layerStart[r + 1];
    widest = Math.max(widest, to - from);
    let at = 0;
    for (let k = from; k < to; k++) {
      const v = order[k];
      if (k > from) {
        const u = order[k - 1];
        const hu = u < n ? nodeHeight[u] : 0;
        const hv = v < n ? nodeHeight[v] : 0;
        at += hu / 2 + hv / 2 + ((u < n ? nodeSep : edgeSep) + (v < n ? nodeSep : edgeSep)) / 2;
      }
      offset[v] = at;
    }
    const centre = at / 2;
    for (let k = from; k < to; k++) y[order[k]] = offset[order[k]] - centre;
  }

  const target = new Float64Array(widest);
  const weight = new Float64Array(widest);
  let neighbourBuffer = new Float64Array(Math.max(widest, 16));
  const blockStart = new Int32Array(widest + 1);
  const blockWeight = new Float64Array(widest);
  const blockSum = new Float64Array(widest);

  const placeLayer = (r: number, useUp: boolean, useDown: boolean) => {
    const from = layerStart[r];
    const to = layerStart[r + 1];
    const count = to - from;
    for (let k = 0; k < count; k++) {
      const v = order[from + k];
      const upDegree = useUp ? upStart[v + 1] - upStart[v] : 0;
      const downDegree = useDown ? downStart[v + 1] - downStart[v] : 0;
      const degree = upDegree + downDegree;
      if (degree === 0) {
        target[k] = y[v] - offset[v];
        weight[k] = FREE_WEIGHT;
        continue;
      }
      if (neighbourBuffer.length < degree) neighbourBuffer = new Float64Array(degree * 2);
      let j = 0;
      for (let a = upStart[v]; a < upStart[v] + upDegree; a++) neighbourBuffer[j++] = y[up[a]];
      for (let a = downStart[v]; a < downStart[v] + downDegree; a++) neighbourBuffer[j++] = y[down[a]];
      sortRange(neighbourBuffer, 0, degree);
      const mid = degree >> 1;
      const median = degree & 1 ? neighbourBuffer[mid] : (neighbourBuffer[mid - 1] + neighbourBuffer[mid]) / 2;
      target[k] = median - offset[v];
      weight[k] = v < n ? 1 : DUMMY_WEIGHT;
    }
    // Pool adjacent violators: the non-decreasing z closest to target, weighted; y = z + offset
    // then keeps every gap.
    let blocks = 0;
    for (let k = 0; k < count; k++) {
      blockStart[blocks] = k;
      blockWeight[blocks] = weight[k];
      blockSum[blocks] = weight[k] * target[k];
      blocks++;
      while (
        blocks > 1 &&
        blockSum[blocks - 2] / blockWeight[blocks - 2] >= blockSum[blocks - 1] / blockWeight[blocks - 1]
      ) {
        blockWeight[blocks - 2] += blockWeight[blocks - 1];
        blockSum[blocks - 2] += blockSum[blocks - 1];
        blocks--;
      }
    }
    blockStart[blocks] = count;
    for (let b = 0; b < blocks; b++) {
      const z = blockSum[b] / blockWeight[b];
      for (let k = blockStart[b]; k < blockStart[b + 1]; k++) {
        const v = order[from + k];
        y[v] = z + offset[v];
      }
    }
  };

  for (let round = 0; round < COORDINATE_ROUNDS; round++) {
    const both = round >= COORDINATE_ROUNDS / 2;
    for (let r = 1; r <= maxRank; r++) placeLayer(r, true, both);
    for (let r = maxRank - 1; r >= 0; r--) placeLayer(r, both, true);
  }
  return y;
}

/**
 * Columns left to right, boxes centred in their column; top-left corners from (0, 0). Each edge's
 * route runs horizontally through every column it crosses, at its dummy's height (a slot the
 * coordinate phase kept free of boxes), and bends only in the gaps between columns.
 */
function placeBoxes(
  layers: Layers,
  graph: IndexedGraph,
  centreY: Float64Array,
  rankSep: number,
  dagSource: Int32Array,
  dagTarget: Int32Array,
): LayeredLayout {
  const { n, maxRank } = layers;
  const rank = layers.rank.slice(0, n);
  const columnWidth = new Float64Array(maxRank + 1);
  for (let v = 0; v < n; v++) columnWidth[rank[v]] = Math.max(columnWidth[rank[v]], graph.width[v]);
  const columnX = new Float64Array(maxRank + 1);
  for (let r = 1; r <= maxRank; r++) columnX[r] = columnX[r - 1] + columnWidth[r - 1] + rankSep;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let top = Infinity;
  let bottom = -Infinity;
  for (let v = 0; v < n; v++) {
    x[v] = columnX[rank[v]] + (columnWidth[rank[v]] - graph.width[v]) / 2;
    y[v] = centreY[v] - graph.height[v] / 2;
    top = Math.min(top, y[v]);
    bottom = Math.max(bottom, y[v] + graph.height[v]);
  }
  for (let v = 0; v < n; v++) y[v] -= top;

  const routes = new Map<number, Float64Array>();
  for (let e = 0; e < dagSource.length; e++) {
    const from = dagSource[e];
    const to = dagTarget[e];
    const span = rank[to] - rank[from];
    const points = new Float64Array(4 * span);
    let k = 0;
    points[k++] = columnX[rank[from]] + columnWidth[rank[from]];
    points[k++] = centreY[from] - top;
    for (let step = 1; step < span; step++) {
      const r = rank[from] + step;
      const dummyY = centreY[layers.trunkStart[from] + step - 1] - top;
      points[k++] = columnX[r];
      points[k++] = dummyY;
      points[k++] = columnX[r] + columnWidth[r];
      points[k++] = dummyY;
    }
    points[k++] = columnX[rank[to]];
    points[k++] = centreY[to] - top;
    routes.set(from * n + to, points);
  }
  return { x, y, rank, width: columnX[maxRank] + columnWidth[maxRank], height: bottom - top, routes };
}
