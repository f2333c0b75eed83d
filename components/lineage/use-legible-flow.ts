"use client";

import { useMemo } from "react";
import { compactBoxSize, layoutCompact, toCompactFlow } from "@/lib/lineage/compact-view";
import type { FlowEdge, FlowNode, NodeSize } from "@/lib/lineage/flow-mapping";
import type { LayoutResult } from "@/lib/lineage/layout";
import { useKeyedMemo } from "@/components/use-keyed-memo";

export type CanvasSize = NodeSize;

/** The element's size in whole pixels (what the ResizeObserver reports too), or null before it is drawn. */
export function measure(element: HTMLElement | null): CanvasSize | null {
  const box = element?.getBoundingClientRect();
  return box ? { width: Math.round(box.width), height: Math.round(box.height) } : null;
}

export const sizeKey = (size: NodeSize) => `${size.width}x${size.height}`;

/** The compact box size for this view and canvas, or null: the columns view keeps its fields' boxes. */
function compactSizeFor(nodes: readonly FlowNode[], size: CanvasSize | null): NodeSize | null {
  if (!size || nodes.some((node) => "columns" in node.data && node.data.columns)) return null;
  return compactBoxSize(nodes, size);
}

/**
 * What the canvas draws for a view in a canvas of `size`: the view as laid out, or, when it is small
 * and that layout would be illegible framed whole, its compact layout (lib/lineage/compact-view.ts).
 * Pure; `layout` lets the hook reuse a compact layout across selections.
 */
export function legibleFlow(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  size: CanvasSize | null,
  layout?: LayoutResult,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const box = compactSizeFor(nodes, size);
  if (!box) return { nodes: nodes as FlowNode[], edges: edges as FlowEdge[] };
  return toCompactFlow({ nodes, edges }, layout ?? layoutCompact(nodes, edges, box), box);
}

/**
 * legibleFlow, with the compact layout keyed on the structure and the box size: a selection (new
 * node objects, same graph) moves nothing.
 */
export function useLegibleFlow(nodes: FlowNode[], edges: FlowEdge[], size: CanvasSize | null): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const box = useMemo(() => compactSizeFor(nodes, size), [nodes, size]);
  const structure = useMemo(
    () => `${nodes.map((node) => node.id).sort().join("\n")}#${edges.map((edge) => edge.id).sort().join("\n")}`,
    [nodes, edges],
  );
  const layout = useKeyedMemo(box ? `${sizeKey(box)}#${structure}` : "", () => (box ? layoutCompact(nodes, edges, box) : null));
  return useMemo(() => (box && layout ? legibleFlow(nodes, edges, size, layout) : { nodes, edges }), [box, layout, nodes, edges, size]);
}
