/**
 * Path highlighting: selecting a node lights up everything it came from and everything made from
 * it, and the canvas dims the rest. Computed over the view on screen, not the whole store.
 */
import type { LineageEdge } from "./types";
import { edgeKey } from "./neighbours";

export interface HighlightedPaths {
  /** The selected node, its ancestors and its descendants in the view. */
  nodeIds: Set<string>;
  /** Edges on an upstream path into the selected node or a downstream path out of it (by edgeKey). */
  edgeKeys: Set<string>;
}

/**
 * Finds the upstream and downstream paths through `selectedId`.
 *
 * Upstream: nodes from which the selected node is reachable along edges; downstream: nodes
 * reachable from it. An edge is on a path when both of its ends are on the same side (or one is the
 * selected node) and it points the right way, so an edge between two unrelated siblings of an
 * ancestor is not lit. Works on cyclic entity graphs (each node is visited once). A selection that
 * is not in the view highlights nothing.
 */
export function findHighlightedPaths(
  nodeIds: Iterable<string>,
  edges: readonly LineageEdge[],
  selectedId: string,
): HighlightedPaths {
  const ids = new Set(nodeIds);
  if (!ids.has(selectedId)) return { nodeIds: new Set(), edgeKeys: new Set() };

  const outgoing = new Map<string, LineageEdge[]>();
  const incoming = new Map<string, LineageEdge[]>();
  for (const edge of edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    (outgoing.get(edge.source) ?? outgoing.set(edge.source, []).get(edge.source)!).push(edge);
    (incoming.get(edge.target) ?? incoming.set(edge.target, []).get(edge.target)!).push(edge);
  }

  const walk = (next: Map<string, LineageEdge[]>, far: (edge: LineageEdge) => string) => {
    const reached = new Set<string>([selectedId]);
    const path = new Set<string>();
    const queue = [selectedId];
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const edge of next.get(id) ?? []) {
        path.add(edgeKey(edge));
        const other = far(edge);
        if (!reached.has(other)) {
          reached.add(other);
          queue.push(other);
        }
      }
    }
    return { reached, path };
  };

  const up = walk(incoming, (edge) => edge.source);
  const down = walk(outgoing, (edge) => edge.target);
  return {
    nodeIds: new Set([...up.reached, ...down.reached]),
    edgeKeys: new Set([...up.path, ...down.path]),
  };
}
