import "server-only";
import { hashAt, readLogHead, storeAsOf } from "./as-of-store";
import { GENESIS_HASH } from "./event-log";
import { eventTimeOf, resolveAsOf } from "./investigate-asof";
import { getLineage } from "./lineage";
import type { Queryable } from "./store/types";
import type { LineageGraph, ViewPoint } from "@/lib/lineage/types";
import { mergeGraphs } from "@/lib/lineage/neighbours";
import { EXPANSION_LIMIT, VIEW_DEFAULT_LIMIT, type ViewQuery } from "@/lib/schemas/view-query";

/**
 * A view, read once for everything that shows it (the lineage API, exports, the report, shares):
 * the point in the log it is taken at, the store as of that point, and its graph (the neighbourhood
 * and its "+N" expansions, merged in order and cut to the node budget), exactly as the explorer
 * builds it on screen.
 */


/**
 * Resolves `asOf` (a seq, a date or a time; see resolveAsOf) against the log: a point at or past
 * the head is the head itself. The head is read first, so the point and what is read at it agree
 * while events arrive.
 */
export async function resolveViewPoint(db: Queryable, asOf: string | undefined): Promise<ViewPoint> {
  const head = (await readLogHead(db)) ?? { seq: 0, hash: GENESIS_HASH };
  const requested = await resolveAsOf(db, asOf);
  if (!requested || requested.seq >= head.seq) {
    return { seq: head.seq, hash: head.hash, time: head.seq > 0 ? await eventTimeOf(db, head.seq) : null, isAsOf: false };
  }
  const hash = requested.seq > 0 ? await hashAt(db, requested.seq) : GENESIS_HASH;
  return { seq: requested.seq, hash, time: requested.seq > 0 ? await eventTimeOf(db, requested.seq) : null, isAsOf: true };
}

export interface View {
  point: ViewPoint;
  /** The store as of the view's point (the live store when the view shows now). */
  store: Queryable;
  graph: LineageGraph;
}

/** The store as of a view's point: a replayed copy before the head, the live store at it. */
export function storeAt(db: Queryable, point: ViewPoint): Promise<Queryable> {
  return point.isAsOf ? storeAsOf(db, point.seq) : Promise.resolve(db);
}

/** The view's neighbourhood plus its expansions, as of its point (see the module comment). */
export async function readView(db: Queryable, query: ViewQuery, knownPoint?: ViewPoint): Promise<View> {
  const point = knownPoint ?? (await resolveViewPoint(db, query.asOf));
  const store = await storeAt(db, point);
  const limit = query.limit ?? VIEW_DEFAULT_LIMIT;
  let graph = await getLineage(store, { nodeId: query.node, depth: query.depth, direction: query.direction, limit });
  // As the explorer does: each expansion of a node the view holds adds up to EXPANSION_LIMIT nodes
  // on top of the budget (an expansion of a node no longer in the view, from an old address, adds nothing).
  for (const expansion of query.expand) {
    if (!graph.nodes.some((node) => node.id === expansion.id)) continue;
    graph = mergeGraphs(graph, await getLineage(store, { nodeId: expansion.id, depth: 1, direction: expansion.direction, limit: EXPANSION_LIMIT }));
  }
  return { point, store, graph };
}
