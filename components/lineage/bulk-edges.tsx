"use client";

import { getBezierPath, Position } from "@xyflow/react";
import { memo, useMemo } from "react";
import { routedEdgePath } from "@/lib/lineage/edge-path";
import type { FlowEdge, FlowHandle, FlowNode } from "@/lib/lineage/flow-mapping";

/**
 * Every edge of a big view drawn as a handful of SVG paths (one per look: normal, on the selected
 * path, dimmed, dashed) inside React Flow's viewport, in place of one React Flow edge component per
 * edge.
 *
 * Why: React Flow subscribes every rendered edge to its store and re-runs each one's selector on
 * every store change, a pan frame included. A hub version read by 2,400 runs has 2,400 edges
 * crossing the screen, and those selectors alone made one frame in fifteen miss its deadline
 * (docs/benchmarks.md). Here the paths are computed once per view and a pan only moves the layer.
 *
 * The drawing is the same: the layout's route (RoutedEdge), or without one React Flow's own bezier
 * between the same handles (handlesOf), the same
 * edge classes (so the CSS of .react-flow__edge.tl-edge-* applies), the arrowhead of its
 * "arrowclosed" marker at 16px. Edges are not interactive on this canvas, so nothing is lost.
 */

/**
 * React Flow's arrowclosed marker: points -5,-4 0,0 -5,4 in a 20-unit box drawn 16 stroke widths
 * wide, so it grows with the edge's stroke (1.5px, 2.25px on the selected path: app/globals.css).
 */
const MARKER_SCALE = 16 / 20;
const strokeWidthOf = (className: string) => (className.split(" ").includes("tl-edge-path") ? 2.25 : 1.5);

interface EdgeGroup {
  className: string;
  lines: string[];
  arrows: string[];
  colour: string;
  arrowStroke: number;
}

function anchor(node: FlowNode, type: FlowHandle["type"]): { x: number; y: number } | null {
  const handle = node.handles.find((h) => h.type === type);
  if (!handle) return null;
  // As React Flow's getHandlePosition: a right handle's far edge, a left handle's near edge, mid-height.
  return {
    x: node.position.x + handle.x + (handle.position === "right" ? handle.width : 0),
    y: node.position.y + handle.y + handle.height / 2,
  };
}

/** Edge paths grouped by class: pure, exported for tests. */
export function groupEdgePaths(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): EdgeGroup[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const groups = new Map<string, EdgeGroup>();
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    const route = edge.data.points;
    let path: string;
    let to: { x: number; y: number };
    // Which way the arrow points: right, or left for an edge the layout drew backwards.
    let heading = 1;
    if (route && route.length >= 2) {
      path = routedEdgePath(route);
      to = route[route.length - 1];
      heading = to.x >= route[route.length - 2].x ? 1 : -1;
    } else {
      const from = anchor(source, "source");
      const end = anchor(target, "target");
      if (!from || !end) continue;
      to = end;
      [path] = getBezierPath({
        sourceX: from.x,
        sourceY: from.y,
        sourcePosition: Position.Right,
        targetX: to.x,
        targetY: to.y,
        targetPosition: Position.Left,
      });
    }
    const className = edge.className ?? "";
    let group = groups.get(className);
    const unit = MARKER_SCALE * strokeWidthOf(className);
    if (!group) {
      group = { className, lines: [], arrows: [], colour: edge.markerEnd.color, arrowStroke: unit };
      groups.set(className, group);
    }
    group.lines.push(path);
    // Routes and curves both arrive horizontally.
    const back = 5 * unit * heading;
    group.arrows.push(`M${to.x - back},${to.y - 4 * unit}L${to.x},${to.y}L${to.x - back},${to.y + 4 * unit}Z`);
  }
  return [...groups.values()];
}

// Its own compositing layer: nodes entering and leaving the screen as the view pans then repaint
// only themselves, not the tiles of a path that spans the whole graph (20 % of frames lost at 1M).
const svgStyle = {
  position: "absolute",
  left: 0,
  top: 0,
  width: 1,
  height: 1,
  overflow: "visible",
  pointerEvents: "none",
  zIndex: -1,
  willChange: "transform",
} as const;

export const BulkEdges = memo(function BulkEdges({ nodes, edges }: { nodes: FlowNode[]; edges: FlowEdge[] }) {
  const groups = useMemo(() => groupEdgePaths(nodes, edges), [nodes, edges]);
  return (
    <svg style={svgStyle} className="tl-bulk-edges" data-testid="bulk-edges" data-edge-count={edges.length} aria-hidden="true">
      {groups.map((group) => (
        <g key={group.className} className={`react-flow__edge ${group.className}`.trim()}>
          <path className="react-flow__edge-path" d={group.lines.join("")} fill="none" />
          <path
            d={group.arrows.join("")}
            style={{ fill: group.colour, stroke: group.colour, strokeWidth: group.arrowStroke, strokeLinejoin: "round", strokeLinecap: "round" }}
          />
        </g>
      ))}
    </svg>
  );
});
