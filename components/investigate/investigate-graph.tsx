"use client";

import {
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type FitViewOptions,
  type Node,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, type CSSProperties } from "react";
import {
  initialFocusIds,
  layoutInvestigation,
  toInvestigateFlow,
  visibleGraph,
  type InvestigateNodeData,
} from "@/lib/lineage/investigate-flow";
import type { Investigation } from "@/lib/lineage/investigate-view";
import { edgeTypes } from "@/components/lineage/routed-edge";
import { CanvasBackground, READ_ONLY_FLOW } from "@/components/lineage/read-only-flow";
import { InvestigateNode } from "./investigate-node";
import { useKeyedMemo } from "@/components/use-keyed-memo";
import { LEGIBLE_TEXT_PX } from "@/lib/lineage/compact-view";

/** Module scope, so React Flow does not remount nodes on every render. */
const nodeTypes = { investigate: InvestigateNode };
const fitViewOptions: FitViewOptions = { padding: 0.12, maxZoom: 1 };
/** The zoom at which an investigation node's 13 px title is drawn LEGIBLE_TEXT_PX tall: the view opens no smaller. */
const LEGIBLE_ZOOM = LEGIBLE_TEXT_PX / 13;
const proOptions = { hideAttribution: false };
const defaultEdgeOptions = { focusable: false, selectable: false };

const EDGE_STYLE: Record<string, CSSProperties> = {
  "tl-inv-edge-b": { strokeDasharray: "6 4", opacity: 0.75 },
  "tl-inv-edge-changed": { stroke: "var(--warning)", strokeWidth: 2 },
};

function miniMapColour(node: Node): string {
  const data = node.data as InvestigateNodeData;
  if (data.role === "target") return "var(--accent)";
  if (data.mark === "changed") return "var(--warning)";
  if (data.mark === "added") return "var(--info)";
  if (data.mark === "counterpart") return "var(--success)";
  return "var(--line-strong)";
}

export interface InvestigateGraphProps {
  investigation: Investigation;
  selectedId: string | null;
  showComparison: boolean;
  onlyDifferences: boolean;
  onSelect: (id: string | null) => void;
  /** A node to bring into view (a click on a difference); the counter re-triggers the same id. */
  reveal: { id: string; count: number } | null;
}

/**
 * The version graph of exactly what made the investigated node (and, when comparing, what made the
 * comparison), laid out left to right and marked by the diff. Layout is a pure function of the
 * structure and re-runs only when the structure changes.
 */
export function InvestigateGraph({ investigation, selectedId, showComparison, onlyDifferences, onSelect, reveal }: InvestigateGraphProps) {
  const { fitView } = useReactFlow();
  const visible = useMemo(
    () => visibleGraph(investigation, showComparison, onlyDifferences),
    [investigation, showComparison, onlyDifferences],
  );
  const structure = useMemo(
    () => `${visible.nodes.map((n) => n.id).sort().join("|")}#${visible.edges.map((e) => `${e.source}>${e.target}`).sort().join("|")}`,
    [visible],
  );
  // Keyed on the structure: no relayout when only the selection changes.
  const laidOut = useKeyedMemo(structure, () => layoutInvestigation(investigation, visible));
  const flow = useMemo(
    () => toInvestigateFlow(investigation, laidOut, { selectedId, showComparison, onlyDifferences }),
    [investigation, laidOut, selectedId, showComparison, onlyDifferences],
  );
  const edges = useMemo(
    () => flow.edges.map((e) => ({ ...e, style: e.className ? EDGE_STYLE[e.className] : undefined })),
    [flow.edges],
  );

  // Whenever the structure changes, frame the target and the nearest differences at a legible
  // zoom (a deep ancestry fitted whole is too small to read); "fit view" in the controls shows all.
  const framed = useRef<string | null>(null);
  useEffect(() => {
    if (framed.current === structure || flow.nodes.length === 0) return;
    framed.current = structure;
    const drawn = new Set(flow.nodes.map((n) => n.id));
    const focus = initialFocusIds(investigation).filter((id) => drawn.has(id));
    const frame = requestAnimationFrame(
      () => void fitView({ nodes: focus.map((id) => ({ id })), padding: 0.15, minZoom: LEGIBLE_ZOOM, maxZoom: 1, duration: 200 }),
    );
    return () => cancelAnimationFrame(frame);
  }, [structure, flow.nodes, investigation, fitView]);

  useEffect(() => {
    if (!reveal) return;
    const frame = requestAnimationFrame(() => void fitView({ nodes: [{ id: reveal.id }], padding: 1.2, maxZoom: 1, duration: 300 }));
    return () => cancelAnimationFrame(frame);
  }, [reveal, fitView]);

  const onNodeClick: NodeMouseHandler = useCallback((_event, node) => onSelect(node.id), [onSelect]);
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);

  return (
    <div className="h-full w-full" data-testid="investigate-canvas">
      <ReactFlow
        nodes={flow.nodes as Node[]}
        edges={edges as Edge[]}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodeClick={onNodeClick}
        onPaneClick={onPaneClick}
        {...READ_ONLY_FLOW}
        minZoom={0.1}
        maxZoom={2}
        fitViewOptions={fitViewOptions}
        proOptions={proOptions}
      >
        <CanvasBackground />
        <MiniMap
          pannable
          zoomable
          nodeColor={miniMapColour}
          nodeStrokeWidth={0}
          ariaLabel="Minimap of the investigation graph"
          className="!rounded-md !border !border-line"
          style={{ width: 150, height: 90 }}
        />
        <Controls showInteractive={false} position="bottom-left" aria-label="Zoom controls" />
      </ReactFlow>
    </div>
  );
}
