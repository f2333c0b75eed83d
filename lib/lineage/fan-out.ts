/**
 * "N more" paging for wide fan-out. A job that wrote 400 batches, or a dataset read by 80 runs,
 * would flood the view with a column of look-alike leaves; the view shows the first page of them and
 * one placeholder that says how many more there are. Only leaves are paged (neighbours whose one
 * connection in the view is that node), so hiding them never cuts a path between other nodes.
 */
import type { LineageEdge, LineageGraph, LineageNode } from "./types";
import { buildAdjacency } from "./neighbours";

export type FanOutDirection = "upstream" | "downstream";

/** A placeholder standing for the leaves of one node that are not on the current page. */
export interface MorePlaceholder {
  /** `more:<direction>:<parent id>`; also the key of this fan-out in `shown`. */
  id: string;
  parentId: string;
  direction: FanOutDirection;
  hiddenCount: number;
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
