"use client";

import { BaseEdge, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";
import { routedEdgePath } from "@/lib/lineage/edge-path";
import type { Point } from "@/lib/lineage/layout";

export interface RoutedEdgeData {
  [key: string]: unknown;
  /** The layout's route for this edge (LayoutResult.routes); without one, a plain curve. */
  points?: Point[];
}

/**
 * An edge drawn along its layout route, so a long edge goes round the boxes between its ends
 * instead of behind them. Until a route exists (a layout in flight), React Flow's own curve.
 */
export const RoutedEdge = memo(function RoutedEdge(props: EdgeProps) {
  const points = (props.data as RoutedEdgeData | undefined)?.points;
  const path =
    points && points.length >= 2
      ? routedEdgePath(points)
      : getBezierPath({
          sourceX: props.sourceX,
          sourceY: props.sourceY,
          sourcePosition: props.sourcePosition,
          targetX: props.targetX,
          targetY: props.targetY,
          targetPosition: props.targetPosition,
        })[0];
  return <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} interactionWidth={props.interactionWidth} />;
});

/** Module scope, as React Flow asks: a new object per render would remount every edge. */
export const edgeTypes = { routed: RoutedEdge };
