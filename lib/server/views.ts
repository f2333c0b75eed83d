import "server-only";
import { hashAt, storeAsOf } from "./as-of-store";
import { GENESIS_HASH, getLogHead } from "./event-log";
import { AppError } from "./errors";
import { eventTimeOf, resolveAsOf } from "./investigate-asof";
import { getLineage, readHeadAndFocus, type Focus } from "./lineage";
import { markSignatureStatuses } from "./signers";
import type { Queryable } from "./store/types";
import type { LineageGraph, ViewPoint } from "@/lib/lineage/types";
import { mergeGraphs } from "@/lib/lineage/neighbours";
import { foldView } from "@/lib/lineage/fan-out";
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
  const [located] = await locateViewPoint(db, asOf);
  return { ...located, time: await timeOfPoint(db, located) };
}

/** A view's point without its time (see resolveViewPoint), for reads that look its time up meanwhile. */
type LocatedPoint = Omit<ViewPoint, "time">;

/**
 * The view's point and, given the key of its focus, that node as the live store holds it, read
 * with the head in one statement (readHeadAndFocus); undefined when the point is an earlier one,
 * whose store is another (see storeAt).
 */
async function locateViewPoint(db: Queryable, asOf: string | undefined, focusKey?: string): Promise<[LocatedPoint, Focus | null | undefined]> {
  const read = focusKey === undefined ? { head: await getLogHead(db), focus: undefined } : await readHeadAndFocus(db, focusKey);
  const head = read.head ?? { seq: 0, hash: GENESIS_HASH };
  const requested = await resolveAsOf(db, asOf);
  if (!requested || requested.seq >= head.seq) return [{ seq: head.seq, hash: head.hash, isAsOf: false }, read.focus];
  return [{ seq: requested.seq, hash: requested.seq > 0 ? await hashAt(db, requested.seq) : GENESIS_HASH, isAsOf: true }, undefined];
}

const timeOfPoint = (db: Queryable, point: LocatedPoint) => (point.seq > 0 ? eventTimeOf(db, point.seq) : Promise.resolve(null));

export interface View {
  point: ViewPoint;
  /** The store as of the view's point (the live store when the view shows now). */
  store: Queryable;
  graph: LineageGraph;
}

/** The store as of a view's point: a replayed copy before the head, the live store at it. */
export function storeAt(db: Queryable, point: Pick<ViewPoint, "seq" | "isAsOf">): Promise<Queryable> {
  return point.isAsOf ? storeAsOf(db, point.seq) : Promise.resolve(db);
}

/**
 * `read` (of node `key`, as of `point`), with its "no such node" told truly: a node first recorded
 * after the point is absent from the store as of then, and "No node with id …" would tell a person
 * that the store never heard of it, with nothing to do but search for a node that is there. Its
 * not_found says when it was first recorded instead (looked up in the live store only then).
 */
export async function readNodeAt<T>(db: Queryable, key: string, point: Pick<ViewPoint, "seq" | "isAsOf">, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!point.isAsOf || !(error instanceof AppError) || error.code !== "not_found") throw error;
    const { focus } = await readHeadAndFocus(db, key);
    if (!focus || focus.seq <= point.seq) throw error;
    const when = point.seq === 0 ? "before the log's first event" : `event #${point.seq}`;
    throw new AppError("not_found", `${key} did not exist yet at the point this view is as of (${when}): it was first recorded at event #${focus.seq}.`, [
      { path: "asOf", message: `${key} was first recorded at event #${focus.seq}` },
    ]);
  }
}

/**
 * The view's neighbourhood plus its expansions, as of its point (see the module comment), folded as
 * the screen shows it: each wide fan-out's first page (or as far as `query.more` paged it) and one
 * "N more" placeholder for the rest (`graph.more`). A query's `fold: false` keeps every leaf (a view
 * drawn whole, as an investigation is), and so does `{ fold: false }` here: the lineage
 * API answers so, because the explorer merges and folds what it fetched itself, with `foldView` too.
 */
export async function readView(db: Queryable, query: ViewQuery, knownPoint?: ViewPoint, options: { fold?: boolean } = {}): Promise<View> {
  const [located, focus] = knownPoint ? [knownPoint, undefined] : await locateViewPoint(db, query.asOf, query.node);
  // The point's time is looked up while the graph is read (on PostgreSQL another pooled connection).
  const timing = knownPoint ? Promise.resolve(knownPoint.time) : timeOfPoint(db, located);
  timing.catch(() => undefined);
  const store = await storeAt(db, located);
  const limit = query.limit ?? VIEW_DEFAULT_LIMIT;
  let graph = await readNodeAt(db, query.node, located, () => getLineage(store, { nodeId: query.node, depth: query.depth, direction: query.direction, limit }, focus));
  // As the explorer does: each expansion of a node the view holds adds up to EXPANSION_LIMIT nodes
  // on top of the budget (an expansion of a node no longer in the view, from an old address, adds nothing).
  for (const expansion of query.expand) {
    if (!graph.nodes.some((node) => node.id === expansion.id)) continue;
    graph = mergeGraphs(graph, await getLineage(store, { nodeId: expansion.id, depth: 1, direction: expansion.direction, limit: EXPANSION_LIMIT }));
  }
  const point: ViewPoint = { ...located, time: await timing };
  if (options.fold === false || !query.fold) return { point, store, graph };
  const folded = foldView(graph, query.more, query.selected);
  return { point, store, graph: { ...graph, nodes: folded.nodes, edges: folded.edges, more: folded.more } };
}

/**
 * What GET /api/v1/lineage answers for a view query: the neighbourhood and its expansions as of the
 * view's point, unfolded (the explorer folds what it merged itself, with the same `foldView`), with
 * that point and the signature status of each signed version. The lineage page's first paint reads
 * the same answer on the server.
 */
export async function readLineageAnswer(db: Queryable, query: ViewQuery): Promise<LineageGraph & { point: ViewPoint }> {
  const { graph, point } = await readView(db, query, undefined, { fold: false });
  await markSignatureStatuses(db, graph.nodes);
  return { ...graph, point };
}
