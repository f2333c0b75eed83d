import { findCycleBreakingEdges, layoutGraph, type LayoutEdgeInput, type LayoutNodeInput } from "@/lib/lineage/layout";
import { edgeKey } from "@/lib/lineage/neighbours";
import { LAYOUT_OPTIONS, type ComputedLayout } from "./layout-protocol";

/** The one layout call, shared by the main thread (small views) and the worker (large ones). */
export function computeLayout(nodes: LayoutNodeInput[], edges: LayoutEdgeInput[]): ComputedLayout {
  const layout = layoutGraph(nodes, edges, LAYOUT_OPTIONS);
  const backEdges = findCycleBreakingEdges(nodes, edges).map(edgeKey);
  return { ...layout, backEdges };
}
