/** Messages between the canvas and the layout worker. */
import type { LayoutEdgeInput, LayoutNodeInput, LayoutResult } from "@/lib/lineage/layout";

export interface LayoutRequest {
  /** Increases with every request; an answer to an older one is stale and dropped. */
  requestId: number;
  nodes: LayoutNodeInput[];
  edges: LayoutEdgeInput[];
}

export type LayoutResponse =
  | { requestId: number; ok: true; layout: ComputedLayout }
  | { requestId: number; ok: false; message: string };

/** A layout plus the edges it drew backwards to break cycles (the canvas draws those apart). */
export interface ComputedLayout extends LayoutResult {
  backEdges: string[];
}

export const LAYOUT_OPTIONS = { algorithm: "auto", rankSep: 96, nodeSep: 28 } as const;
