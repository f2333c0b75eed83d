import { Background, BackgroundVariant, type ReactFlowProps } from "@xyflow/react";

/**
 * What makes a React Flow canvas a read-only picture of lineage (the explorer, a share, an
 * investigation): nothing is dragged, connected, selected by React Flow or deleted, and a
 * double-click is Threadline's (re-centre), not a zoom. Spread into `<ReactFlow>`; module scope, so
 * React Flow sees the same values on every render.
 */
export const READ_ONLY_FLOW = {
  nodesDraggable: false,
  nodesConnectable: false,
  elementsSelectable: false,
  edgesFocusable: false,
  zoomOnDoubleClick: false,
  deleteKeyCode: null,
  selectionKeyCode: null,
  multiSelectionKeyCode: null,
} as const satisfies Partial<ReactFlowProps>;

/** The canvas's dotted background, the same wherever lineage is drawn. */
export function CanvasBackground() {
  return <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />;
}
