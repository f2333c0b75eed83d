"use client";

import {
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  useStoreApi,
  ViewportPortal,
  type Edge,
  type FitViewOptions,
  type Node,
  type NodeMouseHandler,
} from "@xyflow/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { FlowEdge, FlowNode, LineageNodeData } from "@/lib/lineage/flow-mapping";
import { FIT_PADDING, SMALLEST_WHOLE_ZOOM, frameView, isBiggerThanScreen, type Viewport } from "@/lib/lineage/framing";
import { findNodeInDirection, framedNear, type Adjacency, type ArrowKey, type Point } from "@/lib/lineage/neighbours";
import { clearFirstFrame, DEFAULT_CANVAS, useIsServerRender } from "./first-frame";
import { legibleFlow, measure, sizeKey, useLegibleFlow, type CanvasSize } from "./use-legible-flow";
import { BulkEdges } from "./bulk-edges";
import { useIsFrozenView } from "./frozen-view";
import { kindColour, visualKindOf } from "./node-icon";
import { nodeTypes } from "./nodes/node-types";
import { edgeTypes } from "./routed-edge";
import { CanvasBackground, READ_ONLY_FLOW } from "./read-only-flow";

/** Views this large draw only what is on screen (React Flow's onlyRenderVisibleElements). */
const VISIBLE_ONLY_THRESHOLD = 150;
/**
 * Views this large draw their edges as a few SVG paths (BulkEdges) and drop what costs a repaint
 * on every frame of a pan and is not lineage: the minimap (one SVG rect per node, repainted as its
 * viewport box moves) and the dotted background (a full-canvas pattern moved with the view).
 * Measured on 5,000-node views in headless Chromium (docs/benchmarks.md).
 */
const LARGE_VIEW_THRESHOLD = 1_000;
/** Smaller than React Flow's default (200x150): a corner of the canvas, not a quarter of it. */
const MINIMAP_STYLE = { width: 160, height: 100 } as const;

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
const fitViewOptions: FitViewOptions = { padding: FIT_PADDING, maxZoom: 1.1, minZoom: SMALLEST_WHOLE_ZOOM };
const ARROW_KEYS: readonly string[] = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"];

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
  /**
   * What the user asked to see (focus, depth, direction, expansions, as-of): a new value frames the
   * view afresh, even after the user has panned or zoomed the previous one.
   */
  viewKey: string;
}

/**
 * The lineage canvas: React Flow with fixed-size, laid-out nodes. Nothing is dragged or connected;
 * a click selects (side panel), a double-click re-centres, and the keyboard moves between
 * neighbours (arrows), re-centres (Enter) and clears the selection (Esc).
 */
export function LineageCanvas({
  nodes: laidOutNodes,
  edges: laidOutEdges,
  focusId,
  selectedId,
  adjacency,
  onSelect,
  onRecentre,
  onShowMore,
  onToggleFullscreen,
  isFullscreen,
  viewKey,
}: LineageCanvasProps) {
  // First, before anything reads React Flow's store: a canvas the server draws starts at its frame.
  const store = useStoreApi();
  const isServerRender = useIsServerRender();
  /** Drawn by the server (framed for DEFAULT_CANVAS) and hydrated, rather than mounted in the browser. */
  const [isServerDrawn] = useState(isServerRender);
  const [initialViewport, setInitialViewport] = useState<Viewport | null>(() => {
    if (!isServerDrawn) return null;
    // The server knows no canvas size: it draws the view as laid out (the compact form, when the
    // real canvas needs it, follows at hydration).
    const viewport = frameView(laidOutNodes, { focusId, near: framedNear(adjacency, focusId, selectedId), ...DEFAULT_CANVAS }) ?? { x: 0, y: 0, zoom: 1 };
    // React Flow draws its viewport from the store (it applies defaultViewport only once hydrated);
    // the store is this canvas's alone and nothing has read it yet.
    store.setState({ transform: [viewport.x, viewport.y, viewport.zoom] });
    return viewport;
  });

  const { setViewport, setCenter, getViewport, viewportInitialized } = useReactFlow();
  const isFrozen = useIsFrozenView();
  const wrapperRef = useRef<HTMLDivElement>(null);

  // ---- legible at any canvas size ----
  // A small view that would be framed whole below the full form's legible zoom is laid out afresh
  // in the compact form for this canvas (lib/lineage/compact-view.ts): the size is state, so the
  // side panel opening relayouts before the view is framed again.
  const [canvasSize, setCanvasSize] = useState<CanvasSize | null>(null);
  const { nodes, edges } = useLegibleFlow(laidOutNodes, laidOutEdges, canvasSize);

  const centres = useMemo(() => {
    const map = new Map<string, Point>();
    for (const node of nodes) map.set(node.id, { x: node.position.x + node.width / 2, y: node.position.y + node.height / 2 });
    return map;
  }, [nodes]);

  // ---- framing ----
  // The view is framed whenever what is drawn changes (a new focus, depth, direction, expansion or
  // as-of point brings other boxes) and whenever the canvas changes size (the side panel opens or
  // closes, the window or full screen changes), until the user pans or zooms: from then on the
  // view is theirs, until they ask for another view (viewKey).
  const hasUserMoved = useRef(false);
  const framedViewKey = useRef<string | null>(null);
  if (framedViewKey.current !== viewKey) {
    framedViewKey.current = viewKey;
    hasUserMoved.current = false;
  }
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const adjacencyRef = useRef(adjacency);
  adjacencyRef.current = adjacency;
  const drawnKey = useMemo(() => nodes.map((node) => node.id).sort().join("\n"), [nodes]);

  /** Where the view should be for a canvas of `size` (frameView), from the layout alone. */
  const targetViewport = useCallback(
    (shown: readonly FlowNode[], size: CanvasSize): Viewport | null =>
      frameView(shown, { focusId, near: framedNear(adjacencyRef.current, focusId, selectedRef.current), width: size.width, height: size.height }),
    [focusId],
  );

  const frame = useCallback(
    (duration: number) => {
      const size = measure(wrapperRef.current);
      const viewport = size ? targetViewport(nodesRef.current, size) : null;
      if (viewport) void setViewport(viewport, { duration });
    },
    [targetViewport, setViewport],
  );

  // The first paint is framed. Mounted in the browser: the canvas is measured and the viewport
  // computed before the browser draws anything (a layout effect), and React Flow starts at it, so
  // the graph never appears at React Flow's default viewport and then jumps. Boxes have fixed
  // sizes, so nothing waits for React Flow to measure them.
  const framedDrawnKey = useRef<string | null>(null);
  const framedSize = useRef<string | null>(null);
  useLayoutEffect(() => {
    framedDrawnKey.current = drawnKey;
    // The canvas's size, for the compact form of a small view (see useLegibleFlow above).
    const size = measure(wrapperRef.current);
    if (size) {
      framedSize.current = sizeKey(size);
      setCanvasSize(size);
    }
    if (isServerDrawn) return;
    // A server drawing the browser could not hydrate is drawn anew here: its first-frame rule goes.
    clearFirstFrame();
    // The same compact layout the render with this size will draw (legibleFlow is pure).
    const shown = size ? legibleFlow(laidOutNodes, laidOutEdges, size).nodes : nodes;
    setInitialViewport((size && targetViewport(shown, size)) ?? { x: 0, y: 0, zoom: 1 });
    // Once, on mount: later changes are framed by the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // Drawn by the server: the first-frame script already shows the frame for the real canvas. Once
  // React Flow can move the view, it moves to that same frame, and the script's rule goes.
  // (Once the canvas is measured too: a small view the real canvas shows compact is framed as such.)
  const hasTakenFirstFrame = useRef(!isServerDrawn);
  useLayoutEffect(() => {
    if (hasTakenFirstFrame.current || !viewportInitialized || !canvasSize) return;
    hasTakenFirstFrame.current = true;
    frame(0);
    clearFirstFrame();
  }, [viewportInitialized, canvasSize, frame]);
  // When the canvas first answers the user (React Flow can move the view): the benchmark's "interactive".
  const hasMarkedInteractive = useRef(false);
  useEffect(() => {
    if (!viewportInitialized || hasMarkedInteractive.current) return;
    hasMarkedInteractive.current = true;
    performance.mark("threadline:canvas-interactive");
  }, [viewportInitialized]);

  // What is drawn changed (or the view asked for): frame it, unless the user has taken over the view.
  useEffect(() => {
    if (framedDrawnKey.current === `${drawnKey}`) {
      framedDrawnKey.current = null;
      return;
    }
    if (hasUserMoved.current) return;
    frame(200);
  }, [drawnKey, viewKey, frame]);

  // The canvas's size follows the side panel, the window and full screen.
  useEffect(() => {
    const wrapper = wrapperRef.current;
    if (!wrapper) return;
    const observer = new ResizeObserver(([entry]) => {
      const size = { width: Math.round(entry.contentRect.width), height: Math.round(entry.contentRect.height) };
      setCanvasSize((current) => (current && sizeKey(current) === sizeKey(size) ? current : size));
    });
    observer.observe(wrapper);
    return () => observer.disconnect();
  }, []);

  // The canvas changed size: once the render for the new size (a compact relayout, perhaps) is
  // drawn, frame again, unless the user has taken over; then at least keep the selected node on
  // screen, at the same zoom.
  useEffect(() => {
    if (!canvasSize || framedSize.current === sizeKey(canvasSize)) return;
    framedSize.current = sizeKey(canvasSize);
    if (!hasUserMoved.current) frame(0);
    else revealSelected();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- revealSelected reads refs only
  }, [canvasSize, frame]);

  // A newly selected node that the user's own panning left off screen is panned back into view,
  // at the same zoom (while Threadline frames the view, framing already shows it).
  const revealSelected = useCallback(() => {
    const node = nodesRef.current.find((n) => n.id === selectedRef.current);
    const box = wrapperRef.current?.getBoundingClientRect();
    if (!node || !box) return;
    const { x, y, zoom } = getViewport();
    const left = node.position.x * zoom + x;
    const top = node.position.y * zoom + y;
    const isOffScreen = left < 0 || top < 0 || left + node.width * zoom > box.width || top + node.height * zoom > box.height;
    if (isOffScreen) void setCenter(node.position.x + node.width / 2, node.position.y + node.height / 2, { zoom, duration: 250 });
  }, [getViewport, setCenter]);
  useEffect(() => {
    if (!selectedId || !hasUserMoved.current) return;
    const timer = setTimeout(revealSelected, 60);
    return () => clearTimeout(timer);
  }, [selectedId, revealSelected]);

  const onUserZoom = useCallback(() => {
    hasUserMoved.current = true;
  }, []);
  // Only a move the user makes (drag, wheel, pinch) carries an event; fitView does not. onMove, not
  // onMoveStart: a click on a node starts a gesture that moves nothing.
  const onMove = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) hasUserMoved.current = true;
  }, []);

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

  // The minimap only when the view is bigger than the screen: a view framed whole needs no map,
  // and the map would sit on its bottom-right boxes.
  const [needsMap, setNeedsMap] = useState(false);
  useEffect(() => {
    const box = wrapperRef.current?.getBoundingClientRect();
    setNeedsMap(!!box && isBiggerThanScreen(nodes, box.width, box.height));
  }, [nodes]);

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
      {initialViewport ? (
      <ReactFlow
        defaultViewport={initialViewport}
        nodes={nodes as Node[]}
        edges={isVeryLarge ? NO_EDGES : (edges as Edge[])}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        onMove={onMove}
        {...READ_ONLY_FLOW}
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
        {isVeryLarge ? null : <CanvasBackground />}
        {isVeryLarge || !needsMap ? null : (
          <MiniMap
            pannable
            zoomable
            nodeColor={miniMapNodeColour}
            nodeStrokeWidth={0}
            ariaLabel="Minimap of the lineage view"
            className="!rounded-md !border !border-line !shadow-card"
            style={MINIMAP_STYLE}
          />
        )}
        <Controls
          showInteractive={false}
          position="bottom-left"
          aria-label="Zoom and view controls"
          onZoomIn={onUserZoom}
          onZoomOut={onUserZoom}
        >
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
      ) : null}
    </div>
  );
}
