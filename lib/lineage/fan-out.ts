/**
 * "N more" paging for wide fan-out. A job that wrote 400 batches, or a dataset read by 80 runs,
 * would flood the view with a column of look-alike leaves; the view shows the first page of them and
 * one placeholder that says how many more there are. Only leaves are paged (neighbours whose one
 * connection in the view is that node), so hiding them never cuts a path between other nodes.
 */
import type { LineageEdge, LineageGraph, LineageNode, MorePlaceholder } from "./types";
import { buildAdjacency } from "./neighbours";

export type { MorePlaceholder };
export type FanOutDirection = MorePlaceholder["direction"];

/** Leaves of a wide fan-out a view shows before its "N more" placeholder. */
export const FAN_OUT_PAGE_SIZE = 8;
/** How many more leaves one click on "N more" shows. */
export const FAN_OUT_PAGE_STEP = 20;

/** How far a view has paged one fan-out: the first `shown` leaves of `id`'s side `direction`. */
export interface FanOutPage {
  id: string;
  direction: FanOutDirection;
  shown: number;
}

export interface PagedView {
  nodes: LineageNode[];
  edges: LineageEdge[];
  more: MorePlaceholder[];
}

export function morePlaceholderId(parentId: string, direction: FanOutDirection): string {
  return `more:${direction}:${parentId}`;
}

/** The edge that ties a placeholder to its parent, pointing the way data flows. */
export function morePlaceholderEdge(more: MorePlaceholder): LineageEdge {
  return more.direction === "downstream"
    ? { source: more.parentId, target: more.id }
    : { source: more.id, target: more.parentId };
}

/** Newest first (nodes without a time last), then by name and id, so pages are stable. */
function compareForPaging(a: LineageNode, b: LineageNode): number {
  const ta = a.time ? Date.parse(a.time) : -Infinity;
  const tb = b.time ? Date.parse(b.time) : -Infinity;
  if (ta !== tb) return tb - ta;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Pages the fan-out of every node in a view.
 *
 * For each node and direction, its leaves on that side are ordered newest first and the first
 * `shown[placeholder id] ?? pageSize` of them are kept; the rest are hidden behind one placeholder.
 * Nodes in `keep` (the focus, the selection) are never hidden. A page that would hide a single leaf
 * shows it instead: a "1 more" box takes the same room as the node it hides.
 */
export function pageFanOut(
  graph: Pick<LineageGraph, "nodes" | "edges">,
  options: { pageSize: number; shown?: Readonly<Record<string, number>>; keep?: ReadonlySet<string> },
): PagedView {
  const { pageSize, shown = {}, keep = new Set<string>() } = options;
  const adjacency = buildAdjacency(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const degree = (id: string) => (adjacency.upstream.get(id)?.length ?? 0) + (adjacency.downstream.get(id)?.length ?? 0);

  const hidden = new Set<string>();
  const more: MorePlaceholder[] = [];
  for (const parent of graph.nodes) {
    for (const direction of ["upstream", "downstream"] as const) {
      const side = (direction === "downstream" ? adjacency.downstream : adjacency.upstream).get(parent.id) ?? [];
      const leaves = side
        .filter((id) => degree(id) === 1 && !keep.has(id))
        .map((id) => byId.get(id)!)
        .sort(compareForPaging);
      const id = morePlaceholderId(parent.id, direction);
      const limit = Math.max(0, shown[id] ?? pageSize);
      if (leaves.length - limit < 2) continue;
      for (const leaf of leaves.slice(limit)) hidden.add(leaf.id);
      more.push({ id, parentId: parent.id, direction, hiddenCount: leaves.length - limit });
    }
  }

  if (hidden.size === 0) return { nodes: [...graph.nodes], edges: [...graph.edges], more };
  return {
    nodes: graph.nodes.filter((node) => !hidden.has(node.id)),
    edges: graph.edges.filter((edge) => !hidden.has(edge.source) && !hidden.has(edge.target)),
    more,
  };
}

/** The pages of a view as `pageFanOut`'s `shown` (keyed by placeholder id). */
export function shownOf(pages: readonly FanOutPage[]): Record<string, number> {
  return Object.fromEntries(pages.map((page) => [morePlaceholderId(page.id, page.direction), page.shown]));
}

/** The pages after one more click on a placeholder: FAN_OUT_PAGE_STEP more leaves of that fan-out. */
export function showMoreOf(pages: readonly FanOutPage[], placeholder: Pick<MorePlaceholder, "parentId" | "direction">): FanOutPage[] {
  const current = pages.find((page) => page.id === placeholder.parentId && page.direction === placeholder.direction);
  const shown = (current?.shown ?? FAN_OUT_PAGE_SIZE) + FAN_OUT_PAGE_STEP;
  return [...pages.filter((page) => page !== current), { id: placeholder.parentId, direction: placeholder.direction, shown }];
}

/**
 * A view as the screen shows it: every wide fan-out folded to its pages (FAN_OUT_PAGE_SIZE leaves,
 * or as many as the view's pages say) with the focus and the selection always kept. The explorer
 * draws this, and exports, the report and shares hold it, so each holds exactly the nodes on screen.
 */
export function foldView(graph: Pick<LineageGraph, "focus" | "nodes" | "edges">, pages: readonly FanOutPage[], selected: string | null): PagedView {
  const keep = new Set([graph.focus, ...(selected ? [selected] : [])]);
  return pageFanOut(graph, { pageSize: FAN_OUT_PAGE_SIZE, shown: shownOf(pages), keep });
}
