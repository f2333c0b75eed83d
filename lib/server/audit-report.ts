import "server-only";
import { verifyStoreInSlices } from "./verification";
import type { Queryable, Store } from "./store/types";
import { getNodeFlags } from "./flags";
import { getNodeDetail } from "./nodes";
import { readView } from "./views";
import { layoutGraph } from "@/lib/lineage/layout";
import { morePlaceholderEdge } from "@/lib/lineage/fan-out";
import type { LineageGraph, LineageNode, NodeDetail, ViewPoint } from "@/lib/lineage/types";
import type { ViewQuery } from "@/lib/schemas/view-query";
import type { NodeFlags } from "@/lib/lineage/investigate-view";
import type { AuditVerification } from "@/lib/schemas/audit";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";
import { readFailedChecks, readFailureReasons, type FailedCheck, type FailureReason } from "@/lib/schemas/columns";

/**
 * The printable audit report of a view (/report): the graph as laid out in the explorer, what made
 * each node (transformation, parameters, reasons), its flags and failures, and the verification of
 * the log it was read from. One read of everything, so the page only renders.
 */

/** The report covers exactly one view: the one view query (expansions and as-of point included). */
export type ReportQuery = ViewQuery;

export interface ReportNode {
  node: LineageNode;
  /** Null beyond the detail budget (the node is still drawn and listed). */
  detail: NodeDetail | null;
  /** Why a dataset version counts as failed (its run failed, a check on it failed). */
  failureReasons: FailureReason[];
  /** Checks a run reported as failing about its inputs. */
  failedChecks: FailedCheck[];
  flags: NodeFlags | null;
}

export interface AuditReport {
  query: ReportQuery;
  /** The event the report is as of (the head when the view shows now). */
  point: ViewPoint;
  graph: LineageGraph;
  /** Each node's box as drawn (top-left corner and size), from the explorer's layout algorithm. */
  boxes: Record<string, { x: number; y: number; width: number; height: number }>;
  width: number;
  height: number;
  /** Focus first, then left to right, top to bottom as drawn. */
  nodes: ReportNode[];
  /** The store's verification (null when the caller accounts for the chain itself, as a share does). */
  verification: AuditVerification | null;
  generatedAt: string;
}

/**
 * Boxes for paper: the explorer's layout algorithm with smaller boxes and gaps than the screen, so
 * a wide view still prints with legible names when scaled to the page width.
 */
export const REPORT_NODE_SIZE = { version: { width: 196, height: 64 }, activity: { width: 184, height: 64 }, more: { width: 150, height: 34 } } as const;
const REPORT_RANK_SEP = 56;
const REPORT_NODE_SEP = 14;

/** Most nodes the report describes in full; a larger view is drawn whole and listed by name. */
export const REPORT_DETAIL_LIMIT = 80;

export async function buildAuditReport(db: Queryable, query: ReportQuery, options: { verifyOn?: Store } = {}): Promise<AuditReport> {
  const verification = options.verifyOn ? await verifyStoreInSlices(options.verifyOn) : null;
  // Everything below is read from the store as of the view's point: a pasted report address with
  // asOf shows the same report however the log grows.
  const { graph, point, store } = await readView(db, query);
  const sizeOf = (n: LineageNode) => (n.type === "job" || n.type === "run" ? REPORT_NODE_SIZE.activity : REPORT_NODE_SIZE.version);
  // The "N more" placeholders are drawn as the screen draws them, so the report shows what was folded away.
  const more = graph.more ?? [];
  const layout = layoutGraph(
    [...graph.nodes.map((n) => ({ id: n.id, ...sizeOf(n) })), ...more.map((m) => ({ id: m.id, ...REPORT_NODE_SIZE.more }))],
    [...graph.edges, ...more.map(morePlaceholderEdge)],
    { rankSep: REPORT_RANK_SEP, nodeSep: REPORT_NODE_SEP },
  );
  const position = (id: string) => layout.positions[id] ?? { x: 0, y: 0 };
  const boxes = Object.fromEntries([
    ...graph.nodes.map((n) => [n.id, { ...position(n.id), ...sizeOf(n) }] as const),
    ...more.map((m) => [m.id, { ...position(m.id), ...REPORT_NODE_SIZE.more }] as const),
  ]);
  const ordered = [...graph.nodes].sort((a, b) => {
    if (a.id === graph.focus) return -1;
    if (b.id === graph.focus) return 1;
    const pa = position(a.id);
    const pb = position(b.id);
    return pa.x - pb.x || pa.y - pb.y || (a.id < b.id ? -1 : 1);
  });

  const keys = store.dialect.jsonValues("text");
  const versionFailures = new Map(
    (
      await store.all<{ key: string; failureReasons: string }>(`SELECT "key", "failureReasons" FROM "DatasetVersion" WHERE "key" IN ${keys}`, [
        JSON.stringify(graph.nodes.filter((n) => n.type === "datasetVersion").map((n) => n.id)),
      ])
    ).map((r) => [r.key, readFailureReasons(r.failureReasons)]),
  );
  const runChecks = new Map(
    (
      await store.all<{ runId: string; failedChecks: string }>(`SELECT "runId", "failedChecks" FROM "Run" WHERE "runId" IN ${keys}`, [
        JSON.stringify(graph.nodes.filter((n) => n.type === "run").map((n) => runIdOf(n.id))),
      ])
    ).map((r) => [nodeId.run(r.runId), readFailedChecks(r.failedChecks)]),
  );

  const nodes: ReportNode[] = [];
  for (const [index, node] of ordered.entries()) {
    const isDetailed = index < REPORT_DETAIL_LIMIT;
    nodes.push({
      node,
      detail: isDetailed ? await detailOrNull(store, node.id) : null,
      failureReasons: versionFailures.get(node.id) ?? [],
      failedChecks: runChecks.get(node.id) ?? [],
      flags: isDetailed && (node.type === "datasetVersion" || node.type === "dataset") ? await getNodeFlags(store, node.id) : null,
    });
  }
  return {
    query,
    point,
    graph,
    boxes,
    width: layout.width,
    height: layout.height,
    nodes,
    verification,
    generatedAt: new Date().toISOString(),
  };
}

async function detailOrNull(store: Queryable, id: string): Promise<NodeDetail | null> {
  try {
    return await getNodeDetail(store, id);
  } catch {
    return null;
  }
}
