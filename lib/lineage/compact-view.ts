/**
 * The compact form of a small view: how a view of up to a dozen boxes stays whole AND legible in a
 * narrow canvas (a 1024-pixel screen with the side panel open leaves about 660 pixels).
 *
 * The full-size boxes (304 px wide, a 14 px title) framed whole in such a canvas end up at a zoom of
 * 0.3-0.4, where their titles are 4-6 px tall: on screen, but not readable. Shrinking the drawing
 * cannot fix that, so the layout changes instead: every box gets one size, chosen so the whole view
 * fits the canvas at a zoom of about 1, and is drawn in a compact form whose title (13 px) wraps onto
 * as many lines as the box has room for. At 1024×768 with the panel open (664 px of canvas), a
 * 5-column view gets boxes about 90 px wide with titles 13 px tall, where the full form showed them
 * at 6 px; a 9-column chain gets tall 44 px boxes, titles still 12 px.
 *
 * Pure: a function of the full-size layout's boxes and the canvas size, unit-tested beside it.
 */
import { FIT_PADDING, FRAME_WHOLE_LIMIT, fitZoom, type FramedBox } from "./framing";
import { NODE_SIZE, handlesOf, type FlowEdge, type FlowNode, type FlowNodeType, type NodeSize } from "./flow-mapping";
import { layoutGraph, type LayoutResult } from "./layout";

/**
 * The smallest height, in screen pixels, a node's title is drawn at when a view is framed. 10 px:
 * the demo's five-column views keep their full form at 1440×900 (zoom 0.72, titles 10.1 px), where
 * the server draws the first view before the canvas is measured; narrower canvases go compact.
 */
export const LEGIBLE_TEXT_PX = 10;
/** The full form's title size, in flow pixels (NodeBox). */
export const FULL_TITLE_PX = 14;
/** The compact form's title size, in flow pixels. */
export const COMPACT_TITLE_PX = 13;
/** Below this zoom the full form's title is under LEGIBLE_TEXT_PX: a small view goes compact. */
export const FULL_FORM_ZOOM = LEGIBLE_TEXT_PX / FULL_TITLE_PX;
/**
 * Gaps of the compact layout: room for an edge's S-curve and arrowhead between columns (and the
 * "+N" badge beside a box), a hair between boxes of a column.
 */
export const COMPACT_RANK_SEP = 32;
export const COMPACT_NODE_SEP = 14;
/**
 * The narrowest compact box: four or five characters a title line. A 9-column chain in a 664 px
 * canvas gets it, and uses the height it has to spare for more title lines.
 */
export const COMPACT_MIN_WIDTH = 44;
/** Wider than this, a box only adds empty space: the view is centred instead. */
export const COMPACT_MAX_WIDTH = 232;
/** One title line and nothing else: a column of a dozen boxes in a short canvas. */
export const COMPACT_MIN_HEIGHT = 30;
/** A title line of the compact form, and the box's vertical padding (NodeBox). */
export const COMPACT_LINE_PX = 16;
const COMPACT_PADDING_PX = 10;
/** Room a compact box needs beside its title: the colour strip and padding. */
const COMPACT_SIDE_PX = 14;
/** About how wide a character of the compact title is, and the long name a box should hold whole. */
const COMPACT_CHAR_PX = 7.5;
const LONG_NAME_CHARS = 28;
/** The most title lines a box gets: beyond, the name is cut with an ellipsis (its tooltip has it whole). */
const MAX_TITLE_LINES = 6;
/** Boxes narrower than this drop the detail line (badges, kind or version): it would hold a word. */
export const COMPACT_DETAIL_WIDTH = 88;

/** The title lines a box of this width wants for a long name, and the height that takes. */
function wantedHeight(width: number): number {
  const perLine = Math.max(1, (width - COMPACT_SIDE_PX) / COMPACT_CHAR_PX);
  const lines = Math.min(MAX_TITLE_LINES, Math.max(2, Math.ceil(LONG_NAME_CHARS / perLine)));
  return lines * COMPACT_LINE_PX + (width >= COMPACT_DETAIL_WIDTH ? COMPACT_LINE_PX : 0) + COMPACT_PADDING_PX;
}

/** Columns (boxes sharing a centre x, as both layouts place a rank) and the most boxes in one. */
function columnsOf(boxes: readonly FramedBox[]): { columns: number; rows: number } {
  const counts = new Map<number, number>();
  for (const box of boxes) {
    const centre = Math.round(box.position.x + box.width / 2);
    counts.set(centre, (counts.get(centre) ?? 0) + 1);
  }
  return { columns: counts.size, rows: Math.max(0, ...counts.values()) };
}

/**
 * The box size of the compact form for this view in this canvas, or null when the view keeps its
 * full form: it is bigger than FRAME_WHOLE_LIMIT (framed around its focus instead), or it fits whole
 * at a zoom where the full form's title is legible.
 *
 * `boxes` is the full-size layout: ranks do not depend on box sizes, so its columns are the compact
 * layout's too. The width makes columns × width + gaps fill the canvas at zoom 1 (FIT_PADDING kept),
 * within [COMPACT_MIN_WIDTH, COMPACT_MAX_WIDTH]; the height is what a long name needs at that width
 * (narrow boxes wrap it onto more lines), as far as the tallest column leaves room.
 */
export function compactBoxSize(boxes: readonly FramedBox[], canvas: { width: number; height: number }): NodeSize | null {
  if (boxes.length === 0 || boxes.length > FRAME_WHOLE_LIMIT || canvas.width <= 0 || canvas.height <= 0) return null;
  if (fitZoom(boxes, canvas.width, canvas.height) >= FULL_FORM_ZOOM) return null;
  const { columns, rows } = columnsOf(boxes);
  const usableWidth = canvas.width / (1 + FIT_PADDING);
  const usableHeight = canvas.height / (1 + FIT_PADDING);
  const width = Math.min(COMPACT_MAX_WIDTH, Math.max(COMPACT_MIN_WIDTH, Math.floor((usableWidth - (columns - 1) * COMPACT_RANK_SEP) / columns)));
  const height = Math.floor((usableHeight - (rows - 1) * COMPACT_NODE_SEP) / rows);
  return { width, height: Math.min(wantedHeight(width), Math.max(COMPACT_MIN_HEIGHT, height)) };
}

/** What a compact box of this size draws (NodeBox): how many title lines, and whether its detail line. */
export function compactLines(size: NodeSize): { titleLines: number; hasDetail: boolean } {
  const hasDetail = size.width >= COMPACT_DETAIL_WIDTH && size.height >= COMPACT_PADDING_PX + 2 * COMPACT_LINE_PX;
  const room = size.height - COMPACT_PADDING_PX - (hasDetail ? COMPACT_LINE_PX : 0);
  return { titleLines: Math.max(1, Math.min(MAX_TITLE_LINES, Math.floor(room / COMPACT_LINE_PX))), hasDetail };
}

/** The compact layout of a view: the same graph, every box `size`, the tighter gaps. */
export function layoutCompact(
  nodes: readonly { id: string; type: FlowNodeType }[],
  edges: readonly { source: string; target: string }[],
  size: NodeSize,
): LayoutResult {
  return layoutGraph(
    nodes.map((node) => ({ id: node.id, ...compactSizeOf(node.type, size) })),
    edges,
    { algorithm: "dagre", rankSep: COMPACT_RANK_SEP, nodeSep: COMPACT_NODE_SEP },
  );
}

/** A "N more" placeholder keeps its own shape, no wider than the boxes. */
function compactSizeOf(type: FlowNodeType, size: NodeSize): NodeSize {
  return type === "more" ? { width: Math.min(NODE_SIZE.more.width, size.width), height: NODE_SIZE.more.height } : size;
}

/**
 * The flow elements of a view moved onto its compact layout: each box at its new place and size
 * (handles included, so React Flow measures nothing) and marked `compact` for NodeBox, each edge
 * along its new route.
 */
export function toCompactFlow(
  flow: { nodes: readonly FlowNode[]; edges: readonly FlowEdge[] },
  layout: LayoutResult,
  size: NodeSize,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes = flow.nodes.map((node): FlowNode => {
    const own = compactSizeOf(node.type, size);
    return {
      ...node,
      position: layout.positions[node.id] ?? node.position,
      width: own.width,
      height: own.height,
      measured: { ...own },
      handles: handlesOf(node.type, own),
      data: { ...node.data, compact: own },
    };
  });
  const edges = flow.edges.map((edge): FlowEdge => ({ ...edge, data: { ...edge.data, points: layout.routes[edge.id] } }));
  return { nodes, edges };
}
