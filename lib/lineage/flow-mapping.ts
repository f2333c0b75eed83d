/**
 * Domain -> React Flow mapping: a laid-out lineage view becomes the `nodes` and `edges` arrays the
 * canvas renders. Pure and framework-free: the shapes below are structurally what @xyflow/react
 * expects (id, type, position, data, width/height, measured, className, ariaLabel; edges with a
 * closed arrow at the target), so this module needs no React import and is unit-tested on its own.
 */
import type { LineageEdge, LineageNode, NodeType } from "./types";
import { edgeKey } from "./neighbours";
import { morePlaceholderEdge, type MorePlaceholder } from "./fan-out";
import type { HighlightedPaths } from "./highlight";
import type { Point } from "./layout";
import type { DatasetFieldSummary } from "./columns";

/** The React Flow node type of each lineage node type; "more" is the fan-out placeholder. */
export type FlowNodeType = "dataset" | "job" | "version" | "run" | "more";

export const flowNodeTypeOf: Record<NodeType, FlowNodeType> = {
  dataset: "dataset",
  job: "job",
  datasetVersion: "version",
  run: "run",
};

/**
 * Box sizes, fixed per type so layout can run before anything is drawn (and off the main thread)
 * and the drawn box is exactly the laid-out one: no overlap, no re-measure.
 */
export const NODE_SIZE: Record<FlowNodeType, { width: number; height: number }> = {
  dataset: { width: 304, height: 72 },
  version: { width: 304, height: 72 },
  job: { width: 272, height: 64 },
  run: { width: 272, height: 64 },
  more: { width: 168, height: 40 },
};

export interface NodeSize {
  width: number;
  height: number;
}

/**
 * Boxes drawn at another size than their type's (a dataset opened into its fields in the columns
 * view), by node id: the layout and the canvas both take it, so the drawn box is the laid-out one.
 */
export type NodeSizes = ReadonlyMap<string, NodeSize>;

/** Where an edge attaches to a node: React Flow's NodeHandle, in the node's own coordinates. */
export interface FlowHandle {
  type: "source" | "target";
  position: "left" | "right";
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Handles are 6px squares (`.tl-handle` in app/globals.css) centred on a box's left and right sides. */
const HANDLE_SIZE = 6;

/**
 * The handles of a node type, exactly where the drawn box puts them, so React Flow knows them
 * without measuring the DOM. That matters for big views: React Flow renders every node whose
 * handles it has not measured once, even with onlyRenderVisibleElements — 5,000 boxes at once.
 * Lineage boxes place their handles inside a 1px border (they sit 1px in); the "more" placeholder
 * places them on its outer edge. The browser benchmark checks these against the drawn handles.
 */
export function handlesOf(type: FlowNodeType, size: NodeSize = NODE_SIZE[type]): FlowHandle[] {
  const { width, height } = size;
  const inset = type === "more" ? 0 : 1;
  const y = height / 2 - HANDLE_SIZE / 2;
  const half = HANDLE_SIZE / 2;
  return [
    { type: "target", position: "left", x: inset - half, y, width: HANDLE_SIZE, height: HANDLE_SIZE },
    { type: "source", position: "right", x: width - inset - half, y, width: HANDLE_SIZE, height: HANDLE_SIZE },
  ];
}
const HANDLES: Record<FlowNodeType, FlowHandle[]> = {
  dataset: handlesOf("dataset"),
  version: handlesOf("version"),
  job: handlesOf("job"),
  run: handlesOf("run"),
  more: handlesOf("more"),
};

/** How a node is drawn relative to the selection's paths. */
export type Emphasis = "normal" | "path" | "dim";

export interface LineageNodeData {
  [key: string]: unknown;
  node: LineageNode;
  isFocus: boolean;
  isSelected: boolean;
  /** Direct neighbours the store has and the view does not show, per side ("+N"). */
  hiddenUpstream: number;
  hiddenDownstream: number;
  emphasis: Emphasis;
  /** Columns view: the dataset's fields, drawn under its header. */
  columns?: DatasetColumns;
  /** Drawn in the compact form at this size (lib/lineage/compact-view.ts); absent: the full form. */
  compact?: NodeSize;
}

/** What a dataset node of the columns view lists (lib/lineage/columns-view.ts sizes it). */
export interface DatasetColumns {
  /** Every field, in schema order. */
  fields: DatasetFieldSummary[];
  /** How many rows the node shows (the rest fold into "N more"). */
  shown: number;
  /** Fields on the highlighted path; null when no field is selected (nothing is dimmed). */
  pathFieldIds: ReadonlySet<string> | null;
  selectedFieldId: string | null;
  /** The fields are still being read. */
  isLoading: boolean;
}

export interface MoreNodeData {
  [key: string]: unknown;
  more: MorePlaceholder;
  emphasis: Emphasis;
  compact?: NodeSize;
}

export interface FlowNode<Data extends Record<string, unknown> = LineageNodeData | MoreNodeData> {
  id: string;
  type: FlowNodeType;
  position: { x: number; y: number };
  data: Data;
  width: number;
  height: number;
  /** Set up front: the box is drawn at exactly this size, so React Flow need not wait to measure. */
  measured: { width: number; height: number };
  /** Set up front too (see handlesOf). */
  handles: FlowHandle[];
  selected: boolean;
  className?: string;
  ariaLabel: string;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  /** Drawn along `data.points`, the layout's route (components/lineage/routed-edge.tsx). */
  type: "routed";
  data: { points?: Point[] };
  markerEnd: { type: "arrowclosed"; width: number; height: number; color: string };
  className?: string;
  zIndex?: number;
}

/** An edge as React Flow draws it: along the layout's route (`points`), with an arrowhead of `colour`. */
export function routedEdge(id: string, edge: LineageEdge, points: Point[] | undefined, colour: string, className?: string): FlowEdge {
  return {
    id,
    source: edge.source,
    target: edge.target,
    type: "routed",
    data: { points },
    markerEnd: { type: "arrowclosed", width: 16, height: 16, color: colour },
    className,
  };
}

/** The input of a layout: every box with its size, and the edges between them. */
export function toLayoutInput(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
  more: readonly MorePlaceholder[] = [],
  sizes?: NodeSizes,
): { nodes: { id: string; width: number; height: number }[]; edges: LineageEdge[] } {
  return {
    nodes: [
      ...nodes.map((node) => ({ id: node.id, ...(sizes?.get(node.id) ?? NODE_SIZE[flowNodeTypeOf[node.type]]) })),
      ...more.map((placeholder) => ({ id: placeholder.id, ...NODE_SIZE.more })),
    ],
    edges: [...edges.map((edge) => ({ source: edge.source, target: edge.target })), ...more.map(morePlaceholderEdge)],
  };
}

/**
 * A key for a view's structure (sorted node ids and edges): equal keys mean the same layout, so the
 * canvas relayouts when the structure changes and never because positions or emphasis did.
 */
export function structureKey(input: { nodes: readonly { id: string }[]; edges: readonly LineageEdge[] }): string {
  const ids = input.nodes.map((node) => node.id).sort();
  const edges = input.edges.map(edgeKey).sort();
  return `${ids.join("\n")}\n#\n${edges.join("\n")}`;
}

/** A sentence a screen reader says for a node: what it is and what is special about it. */
export function describeNode(node: LineageNode, hiddenUpstream: number, hiddenDownstream: number): string {
  const typeWords: Record<NodeType, string> = { dataset: "Dataset", job: "Job", datasetVersion: "Dataset version", run: "Run" };
  const parts = [`${typeWords[node.type]} ${node.name}${node.version ? ` version ${node.version}` : ""}`];
  if (node.kind) parts.push(`kind ${node.kind}`);
  if (node.state) parts.push(`state ${node.state.toLowerCase()}`);
  if (node.isFailed) parts.push("failed");
  if (node.isFlagged) parts.push("flagged");
  if (node.isSynthetic) parts.push("synthetic");
  if (hiddenUpstream > 0) parts.push(`${hiddenUpstream} more upstream`);
  if (hiddenDownstream > 0) parts.push(`${hiddenDownstream} more downstream`);
  return parts.join(", ");
}

export interface ToFlowOptions {
  focusId: string;
  selectedId: string | null;
  /** Paths through the selection; null when nothing is selected (nothing is dimmed). */
  highlight: HighlightedPaths | null;
  hidden: ReadonlyMap<string, { upstream: number; downstream: number }>;
  /** Top-left positions from the layout; a node without one is not drawn yet. */
  positions: Readonly<Record<string, { x: number; y: number }>>;
  /** The layout's edge routes (LayoutResult.routes); an edge without one is drawn as a plain curve. */
  routes?: Readonly<Record<string, Point[]>>;
  /** Boxes of another size than their type's (the same map the layout was given). */
  sizes?: NodeSizes;
}

/**
 * Maps a view to React Flow nodes and edges.
 *
 * - Each lineage node becomes a node of its type with its fixed size at its laid-out position.
 * - Nodes (and edges) without a position are left out: while a new layout is computed the canvas
 *   keeps drawing the previous one rather than piling new nodes at the origin.
 * - With a selection, nodes and edges on its paths get emphasis "path" and the rest "dim".
 * - Edges point the way data flows and end in a closed arrow; each follows its layout route.
 */
export function toFlowElements(
  view: { nodes: readonly LineageNode[]; edges: readonly LineageEdge[]; more: readonly MorePlaceholder[] },
  options: ToFlowOptions,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const { focusId, selectedId, highlight, hidden, positions, routes, sizes } = options;
  const emphasisOf = (id: string): Emphasis => (highlight === null ? "normal" : highlight.nodeIds.has(id) ? "path" : "dim");

  const nodes: FlowNode[] = [];
  for (const node of view.nodes) {
    const position = positions[node.id];
    if (!position) continue;
    const type = flowNodeTypeOf[node.type];
    const ownSize = sizes?.get(node.id);
    const size = ownSize ?? NODE_SIZE[type];
    const counts = hidden.get(node.id) ?? { upstream: 0, downstream: 0 };
    const emphasis = emphasisOf(node.id);
    nodes.push({
      id: node.id,
      type,
      position: { x: position.x, y: position.y },
      data: {
        node,
        isFocus: node.id === focusId,
        isSelected: node.id === selectedId,
        hiddenUpstream: counts.upstream,
        hiddenDownstream: counts.downstream,
        emphasis,
      },
      width: size.width,
      height: size.height,
      measured: { ...size },
      handles: ownSize ? handlesOf(type, ownSize) : HANDLES[type],
      selected: node.id === selectedId,
      className: emphasis === "dim" ? "tl-node-dim" : undefined,
      ariaLabel: describeNode(node, counts.upstream, counts.downstream),
    });
  }
  for (const more of view.more) {
    const position = positions[more.id];
    if (!position) continue;
    // A placeholder shares its parent's emphasis: it stands for the parent's leaves.
    const emphasis = highlight === null ? "normal" : highlight.nodeIds.has(more.parentId) ? "path" : "dim";
    nodes.push({
      id: more.id,
      type: "more",
      position: { x: position.x, y: position.y },
      data: { more, emphasis },
      width: NODE_SIZE.more.width,
      height: NODE_SIZE.more.height,
      measured: { ...NODE_SIZE.more },
      handles: HANDLES.more,
      selected: false,
      className: emphasis === "dim" ? "tl-node-dim" : undefined,
      ariaLabel: `${more.hiddenCount} more ${more.direction} nodes, activate to show them`,
    });
  }

  const drawn = new Set(nodes.map((node) => node.id));
  const edges: FlowEdge[] = [];
  const pushEdge = (edge: LineageEdge, extraClass?: string, onPath?: boolean) => {
    if (!drawn.has(edge.source) || !drawn.has(edge.target)) return;
    const key = edgeKey(edge);
    const isOnPath = onPath ?? (highlight !== null && highlight.edgeKeys.has(key));
    const classes = [extraClass, highlight === null ? undefined : isOnPath ? "tl-edge-path" : "tl-edge-dim"].filter(Boolean);
    edges.push({
      ...routedEdge(key, edge, routes?.[key], isOnPath ? "var(--edge-strong)" : "var(--edge)", classes.length > 0 ? classes.join(" ") : undefined),
      zIndex: isOnPath ? 1 : 0,
    });
  };
  for (const edge of view.edges) pushEdge(edge);
  for (const more of view.more) {
    const onPath = highlight !== null && highlight.nodeIds.has(more.parentId) && more.parentId === selectedId;
    pushEdge(morePlaceholderEdge(more), "tl-edge-more", onPath);
  }
  return { nodes, edges };
}
