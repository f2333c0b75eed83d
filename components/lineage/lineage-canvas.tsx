"use client";

import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  ViewportPortal,
  type Edge,
  type FitViewOptions,
  type Node,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import type { FlowEdge, FlowNode, LineageNodeData } from "@/lib/lineage/flow-mapping";
import { findNodeInDirection, type Adjacency, type ArrowKey, type Point } from "@/lib/lineage/neighbours";
import { BulkEdges } from "./bulk-edges";
import { useIsFrozenView } from "./frozen-view";
import { kindColour, visualKindOf } from "./node-icon";
import { nodeTypes } from "./nodes/node-types";

/** Views this large draw only what is on screen (React Flow's onlyRenderVisibleElements). */
const VISIBLE_ONLY_THRESHOLD = 150;
/**
 * Views this large draw their edges as a few SVG paths (BulkEdges) and drop what costs a repaint
 * on every frame of a pan and is not lineage: the minimap (one SVG rect per node, repainted as its
 * viewport box moves) and the dotted background (a full-canvas pattern moved with the view).
 * Measured on 5,000-node views in headless Chromium (docs/benchmarks.md).
 */
const LARGE_VIEW_THRESHOLD = 1_000;
/** Below this zoom node text is too small to read; the first fit of a view never goes under it. */
const READABLE_ZOOM = 0.65;
const FIT_PADDING = 0.08;

const proOptions = { hideAttribution: false };
/**
 * A frozen view (a share link) links nowhere outside its snapshot, so React Flow's attribution link
 * gives way to the same credit as text there.
 */
const frozenProOptions = { hideAttribution: true };
/** Big views hand React Flow no edges: BulkEdges draws them (see there). */
const NO_EDGES: Edge[] = [];
// Edges are not clickable here: no invisible 20px hit path per edge (half the SVG, and hit tests).
const defaultEdgeOptions = { focusable: false, selectable: false, interactionWidth: 0 };
const fitViewOptions: FitViewOptions = { padding: FIT_PADDING, maxZoom: 1.1 };
const ARROW_KEYS: readonly string[] = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];

/** The zoom at which every node fits in a viewport of the given size. */
function fitZoom(nodes: FlowNode[], width: number, height: number, padding: number): number {
  if (nodes.length === 0 || width <= 0 || height <= 0) return 1;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const node of nodes) {
    minX = Math.min(minX, node.position.x);
    minY = Math.min(minY, node.position.y);
    maxX = Math.max(maxX, node.position.x + node.width);
    maxY = Math.max(maxY, node.position.y + node.height);
  }
  return Math.min(width / ((maxX - minX) * (1 + 2 * padding)), height / ((maxY - minY) * (1 + 2 * padding)));
}

function miniMapNodeColour(node: Node): string {
  if (node.type === "more") return "var(--line-strong)";
  const data = node.data as LineageNodeData;
  if (data.node.isFailed) return "var(--danger)";
  return kindColour(visualKindOf(data.node.type, data.node.kind));
}

export interface LineageCanvasProps {
  nodes: FlowNode[];
  edges: FlowEdge[];
  focusId: string;
  selectedId: string | null;
  adjacency: Adjacency;
  onSelect: (id: string | null) => void;
  onRecentre: (id: string) => void;
  onShowMore: (placeholderId: string) => void;
  onToggleFullscreen: () => void;
  isFullscreen: boolean;
}

/**
 * The lineage canvas: React Flow with fixed-size, laid-out nodes. Nothing is dragged or connected;
 * a click selects (side panel), a double-click re-centres, and the keyboard moves between
 * neighbours (arrows), re-centres (Enter) and clears the selection (Esc).
 */
export function LineageCanvas({
  nodes,
  edges,
  focusId,
  selectedId,
  adjacency,
  onSelect,
  onRecentre,
  onShowMore,
  onToggleFullscreen,
  isFullscreen,
}: LineageCanvasProps) {
  const { fitView, setCenter, getViewport } = useReactFlow();
  const isFrozen = useIsFrozenView();
  // fitView ignores nodes React Flow has not measured yet: framing before then frames nothing.
  const isMeasured = useNodesInitialized();
  const wrapperRef = useRef<HTMLDivElement>(null);
  const fittedFocus = useRef<string | null>(null);

  const centres = useMemo(() => {
    const map = new Map<string, Point>();
    for (const node of nodes) map.set(node.id, { x: node.position.x + node.width / 2, y: node.position.y + node.height / 2 });
    return map;
  }, [nodes]);

  // Frame the view once per focus, when the focus node has been laid out: the whole view if it fits
  // at a readable zoom, else the focus and its direct neighbours (the rest is a pan away).
  useEffect(() => {
    if (!isMeasured || fittedFocus.current === focusId || !nodes.some((node) => node.id === focusId)) return;
    const frame = requestAnimationFrame(() => {
      // Marked inside the frame: a cancelled frame (effect re-run) must not count as fitted.
      fittedFocus.current = focusId;
      const box = wrapperRef.current?.getBoundingClientRect();
      if (box && fitZoom(nodes, box.width, box.height, FIT_PADDING) >= READABLE_ZOOM) {
        void fitView({ ...fitViewOptions, duration: 250 });
      } else {
        const near = new Set([focusId, ...(adjacency.upstream.get(focusId) ?? []), ...(adjacency.downstream.get(focusId) ?? [])]);
        void fitView({ nodes: [...near].map((id) => ({ id })), padding: FIT_PADDING, maxZoom: 0.9, minZoom: READABLE_ZOOM, duration: 250 });
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [isMeasured, focusId, nodes, adjacency, fitView]);

  // A newly selected node that the opening side panel (or an arrow key) left off screen is panned
  // back into view, at the same zoom. Not on first load: the initial fit frames the view then.
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  useEffect(() => {
    if (!selectedId || fittedFocus.current !== focusId) return;
    const timer = setTimeout(() => {
      const node = nodesRef.current.find((n) => n.id === selectedId);
      const box = wrapperRef.current?.getBoundingClientRect();
      if (!node || !box) return;
      const { x, y, zoom } = getViewport();
      const left = node.position.x * zoom + x;
      const top = node.position.y * zoom + y;
      const isOffScreen = left < 0 || top < 0 || left + node.width * zoom > box.width || top + node.height * zoom > box.height;
      if (isOffScreen) void setCenter(node.position.x + node.width / 2, node.position.y + node.height / 2, { zoom, duration: 250 });
    }, 60);
    return () => clearTimeout(timer);
  }, [selectedId, focusId, getViewport, setCenter]);

  const focusNodeElement = useCallback((id: string) => {
    const element = wrapperRef.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    // Focusing pans the node into view (autoPanOnNodeFocus) and lets a screen reader announce it.
    element?.focus();
  }, []);

  const onNodeClick: NodeMouseHandler = useCallback(
    (_event, node) => {
      if (node.type === "more") onShowMore(node.id);
      else onSelect(node.id);
    },
    [onSelect, onShowMore],
  );

  const onNodeDoubleClick: NodeMouseHandler = useCallback(
    (_event, node) => {
      if (node.type !== "more") onRecentre(node.id);
    },
    [onRecentre],
  );

  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, select, button")) return;
      const focusedNodeId = target.closest<HTMLElement>(".react-flow__node")?.dataset.id ?? null;

      if (event.key === "Escape") {
        if (selectedId) {
          event.preventDefault();
          onSelect(null);
        }
        return;
      }
      if (event.key === "Enter" || event.key === " ") {
        const id = focusedNodeId ?? selectedId;
        if (!id) return;
        event.preventDefault();
        if (id.startsWith("more:")) onShowMore(id);
        else if (event.key === " ") onSelect(id);
        else onRecentre(id);
        return;
      }
      if (ARROW_KEYS.includes(event.key)) {
        const from = focusedNodeId && !focusedNodeId.startsWith("more:") ? focusedNodeId : selectedId ?? focusId;
        const next = findNodeInDirection(from, event.key as ArrowKey, adjacency, centres);
        event.preventDefault();
        if (next && !next.startsWith("more:")) {
          onSelect(next);
          focusNodeElement(next);
        } else if (next) {
          focusNodeElement(next);
        }
      }
    },
    [selectedId, focusId, adjacency, centres, onSelect, onRecentre, onShowMore, focusNodeElement],
  );

  const isLarge = nodes.length >= VISIBLE_ONLY_THRESHOLD;
  const isVeryLarge = nodes.length >= LARGE_VIEW_THRESHOLD;

  return (
    <div
      ref={wrapperRef}
      className={isLarge ? "tl-canvas-large h-full w-full" : "h-full w-full"}
      onKeyDown={onKeyDown}
      data-testid="lineage-canvas"
      data-node-count={nodes.length}
      role="region"
      aria-label="Lineage graph. Arrow keys move between neighbours, Enter re-centres on a node, Escape clears the selection."
    >
      <ReactFlow
        nodes={nodes as Node[]}
        edges={isVeryLarge ? NO_EDGES : (edges as Edge[])}
        nodeTypes={nodeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        zoomOnDoubleClick={false}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        onlyRenderVisibleElements={isLarge}
        minZoom={0.05}
        maxZoom={2}
        proOptions={isFrozen ? frozenProOptions : proOptions}
        fitViewOptions={fitViewOptions}
      >
        {isVeryLarge ? (
          <ViewportPortal>
            <BulkEdges nodes={nodes} edges={edges} />
          </ViewportPortal>
        ) : null}
        {isVeryLarge ? null : <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />}
        {isVeryLarge ? null : (
          <MiniMap
            pannable
            zoomable
            nodeColor={miniMapNodeColour}
            nodeStrokeWidth={0}
            ariaLabel="Minimap of the lineage view"
            className="!rounded-md !border !border-line !shadow-card"
          />
        )}
        <Controls showInteractive={false} position="bottom-left" aria-label="Zoom and view controls">
          <ControlButton
            onClick={onToggleFullscreen}
            title={isFullscreen ? "Leave full screen" : "Full screen"}
            aria-label={isFullscreen ? "Leave full screen" : "Full screen"}
            data-testid="fullscreen-button"
          >
            <svg viewBox="0 0 24 24" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden="true" style={{ fill: "none" }}>
              {isFullscreen ? (
                <path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5" />
              ) : (
                <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
              )}
            </svg>
          </ControlButton>
        </Controls>
        {isFrozen ? (
          <Panel position="bottom-right" className="text-[10px] text-ink-faint" data-testid="frozen-credit">
            React Flow
          </Panel>
        ) : null}
      </ReactFlow>
    </div>
  );
}
