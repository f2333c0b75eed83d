/**
 * The investigate view's graph as React Flow draws it: the failed node's upstream version graph
 * (and, when a comparison is chosen, the comparison's), each node marked by the diff. Pure: the
 * shapes are structurally React Flow's nodes and edges, as in ./flow-mapping.
 */
import { routedEdge, type FlowEdge } from "./flow-mapping";
import type { DiffMark } from "./investigate-diff";
import type { Investigation } from "./investigate-view";
import { layoutGraph, type Point } from "./layout";
import type { LineageEdge, LineageNode } from "./types";

export const INVESTIGATE_NODE_SIZE = { width: 280, height: 78 } as const;

export interface InvestigateNodeData {
  [key: string]: unknown;
  node: LineageNode;
  /** How the diff marks it; null without a comparison. */
  mark: DiffMark | null;
  role: "target" | "comparison" | null;
  isSelected: boolean;
  synthetic: { share: number; generation: number; meaning: string } | null;
}

export interface InvestigateFlowNode {
  id: string;
  type: "investigate";
  position: { x: number; y: number };
  data: InvestigateNodeData;
  width: number;
  height: number;
  measured: { width: number; height: number };
  selected: boolean;
  ariaLabel: string;
}

/** Where the investigation's boxes sit and where its edges run, keyed `source->target`. */
export interface InvestigationLayout {
  positions: Record<string, { x: number; y: number }>;
  routes: Record<string, Point[]>;
}

/**
 * Lays out the visible investigation graph right-aligned: everything here is upstream of the target
 * (and the comparison), so they share the last column and each ancestor sits as far left as its
 * distance. Laying out the reversed graph left to right and mirroring it does exactly that with the
 * shared, deterministic layout; routes are mirrored and turned round with it. The comparison's own
 * nodes then move below (placeComparisonBelow): routes among them move along, routes between them
 * and the rest no longer hold and are left out (those edges get a plain curve).
 */
export function layoutInvestigation(
  inv: Pick<Investigation, "target" | "comparison" | "diff">,
  visible: { nodes: readonly LineageNode[]; edges: readonly LineageEdge[] },
): InvestigationLayout {
  const { width } = INVESTIGATE_NODE_SIZE;
  const result = layoutGraph(
    visible.nodes.map((n) => ({ id: n.id, ...INVESTIGATE_NODE_SIZE })),
    visible.edges.map((e) => ({ source: e.target, target: e.source })),
    { rankSep: 72, nodeSep: 26 },
  );
  const mirrored: Record<string, { x: number; y: number }> = {};
  for (const [id, p] of Object.entries(result.positions)) mirrored[id] = { x: result.width - p.x - width, y: p.y };
  const positions = placeComparisonBelow(inv, mirrored);

  const routes: Record<string, Point[]> = {};
  for (const e of visible.edges) {
    const laidOut = result.routes[`${e.target}->${e.source}`];
    const from = positions[e.source];
    const to = positions[e.target];
    if (!laidOut || !from || !to) continue;
    const moved = { x: from.x - mirrored[e.source].x, y: from.y - mirrored[e.source].y };
    const isSameShift = to.x - mirrored[e.target].x === moved.x && to.y - mirrored[e.target].y === moved.y;
    if (!isSameShift) continue;
    routes[`${e.source}->${e.target}`] = laidOut.map((p) => ({ x: result.width - p.x + moved.x, y: p.y + moved.y })).reverse();
  }
  return { positions, routes };
}

type GraphPart = Pick<Investigation, "graph" | "diff" | "target" | "comparison" | "syntheticByNode">;

const B_SIDE: ReadonlySet<DiffMark> = new Set(["removed", "counterpart"]);

/**
 * The nodes and edges to lay out: everything, or only the target's side; with `onlyDifferences`,
 * only what the diff marks (the target and the comparison always stay).
 */
export function visibleGraph(inv: GraphPart, showComparison: boolean, onlyDifferences = false): { nodes: LineageNode[]; edges: LineageEdge[] } {
  const marks = inv.diff?.marks ?? {};
  const keep = (n: LineageNode) =>
    n.id === inv.target.id || n.id === inv.comparison.b?.id || !inv.diff || (marks[n.id] ?? "same") !== "same";
  const nodes = inv.graph.nodes.filter(
    (n) => (showComparison || !B_SIDE.has(marks[n.id] as DiffMark)) && (!onlyDifferences || keep(n)),
  );
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: inv.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

const MARK_WORDS: Record<DiffMark, string> = {
  changed: "differs from the comparison",
  added: "only behind this output",
  removed: "only behind the comparison",
  counterpart: "the comparison's counterpart",
  same: "same as the comparison",
};

/** Maps a laid-out investigation graph to React Flow nodes and edges. */
export function toInvestigateFlow(
  inv: GraphPart,
  { positions, routes }: { positions: Readonly<Record<string, { x: number; y: number }>>; routes?: Readonly<Record<string, Point[]>> },
  options: { selectedId: string | null; showComparison: boolean; onlyDifferences?: boolean },
): { nodes: InvestigateFlowNode[]; edges: FlowEdge[] } {
  const { nodes: visible, edges: visibleEdges } = visibleGraph(inv, options.showComparison, options.onlyDifferences);
  const marks = inv.diff?.marks ?? {};
  const comparisonId = inv.comparison.b?.id ?? null;
  const nodes: InvestigateFlowNode[] = [];
  for (const node of visible) {
    const position = positions[node.id];
    if (!position) continue;
    const mark = inv.diff ? ((marks[node.id] as DiffMark | undefined) ?? "same") : null;
    const role = node.id === inv.target.id ? "target" : node.id === comparisonId ? "comparison" : null;
    const words = [`${node.type === "run" ? "Run of" : "Version"} ${node.name}${node.version ? ` @${node.version}` : ""}`];
    if (role === "target") words.push("the output under investigation");
    if (role === "comparison") words.push("the comparison");
    if (mark && mark !== "same") words.push(MARK_WORDS[mark]);
    if (node.isFailed) words.push("failed");
    if (node.isFlagged) words.push("flagged");
    nodes.push({
      id: node.id,
      type: "investigate",
      position: { x: position.x, y: position.y },
      data: {
        node,
        mark,
        role,
        isSelected: node.id === options.selectedId,
        synthetic: inv.syntheticByNode[node.id] ?? null,
      },
      width: INVESTIGATE_NODE_SIZE.width,
      height: INVESTIGATE_NODE_SIZE.height,
      measured: { ...INVESTIGATE_NODE_SIZE },
      selected: node.id === options.selectedId,
      ariaLabel: words.join(", "),
    });
  }
  const drawn = new Set(nodes.map((n) => n.id));
  const edges: FlowEdge[] = [];
  for (const e of visibleEdges) {
    if (!drawn.has(e.source) || !drawn.has(e.target)) continue;
    const isBSide = B_SIDE.has(marks[e.source] as DiffMark) || B_SIDE.has(marks[e.target] as DiffMark);
    const isChanged = ["changed", "added"].includes(marks[e.target] ?? "") && ["changed", "added"].includes(marks[e.source] ?? "");
    edges.push(
      routedEdge(`${e.source}>${e.target}`, e, routes?.[`${e.source}->${e.target}`], isChanged ? "var(--warning)" : "var(--edge)", isBSide ? "tl-inv-edge-b" : isChanged ? "tl-inv-edge-changed" : undefined),
    );
  }
  return { nodes, edges };
}

/**
 * The nodes to frame first: the target, the comparison and the differences found at the runs that
 * made them (depth 0), so the view opens readable on what matters rather than on the whole chain.
 */
export function initialFocusIds(inv: Pick<Investigation, "target" | "comparison" | "diff">): string[] {
  const ids = new Set<string>([inv.target.id]);
  if (inv.comparison.b) ids.add(inv.comparison.b.id);
  for (const d of inv.diff?.ranked ?? []) if (d.depth === 0) ids.add(d.node);
  return [...ids];
}

/**
 * Moves the comparison's own nodes (marked removed or counterpart) below the rest, shifted so the
 * comparison lands in the target's column: the two outputs side by side at the right, each with
 * what only it has behind it. Layout algorithms pull the comparison towards the shared ancestors it
 * hangs from, which can leave it mid-graph; this keeps the drawing readable. Pure: returns new
 * positions, others unchanged.
 */
export function placeComparisonBelow(
  inv: Pick<Investigation, "target" | "comparison" | "diff">,
  positions: Readonly<Record<string, { x: number; y: number }>>,
  gap = 48,
): Record<string, { x: number; y: number }> {
  const result: Record<string, { x: number; y: number }> = { ...positions };
  const b = inv.comparison.b?.id;
  const target = positions[inv.target.id];
  if (!b || !target || !positions[b] || !inv.diff) return result;
  const bSide = Object.keys(positions).filter((id) => B_SIDE.has(inv.diff?.marks[id] as DiffMark));
  const others = Object.keys(positions).filter((id) => !B_SIDE.has(inv.diff?.marks[id] as DiffMark));
  if (bSide.length === 0 || others.length === 0) return result;
  const dx = target.x - positions[b].x;
  const bottom = Math.max(...others.map((id) => positions[id].y)) + INVESTIGATE_NODE_SIZE.height + gap;
  const dy = bottom - Math.min(...bSide.map((id) => positions[id].y));
  for (const id of bSide) result[id] = { x: positions[id].x + dx, y: positions[id].y + dy };
  return result;
}
