import "server-only";
import type { Sqlite } from "./db";
import { AppError } from "./errors";
import { getFlagPropagation } from "./flags-closure";
import type { Direction, LineageEdge, LineageGraph, LineageNode, NodeType, RunState } from "@/lib/lineage/types";

/**
 * Lineage traversal in raw SQL, hop by hop: each hop is one indexed query over the whole frontier
 * (Edge is indexed on both directions), with a visited set, so the node budget is enforced exactly
 * and `truncated` says whenever it cut anything.
 */

export interface LineageQuery {
  nodeId: string;
  depth: number;
  direction: Direction;
  limit: number;
  /** Only what the log held up to this sequence number (as-of views). */
  asOfSeq?: number;
}

export const MAX_DEPTH = 50;
export const MAX_NODES = 20_000;

interface EdgeRow {
  sourceId: number;
  targetId: number;
}

function prepare(db: Sqlite) {
  const asOf = "AND seq <= ?";
  return {
    nodeByKey: db.prepare<[string], { id: number; seq: number }>("SELECT id, seq FROM Node WHERE key = ?"),
    downstream: db.prepare<[string, number], EdgeRow>(
      `SELECT sourceId, targetId FROM Edge WHERE sourceId IN (SELECT value FROM json_each(?)) ${asOf}`,
    ),
    upstream: db.prepare<[string, number], EdgeRow>(
      `SELECT sourceId, targetId FROM Edge WHERE targetId IN (SELECT value FROM json_each(?)) ${asOf}`,
    ),
    outDegree: db.prepare<[string, number], { id: number; n: number }>(
      `SELECT sourceId AS id, COUNT(*) AS n FROM Edge WHERE sourceId IN (SELECT value FROM json_each(?)) ${asOf} GROUP BY sourceId`,
    ),
    inDegree: db.prepare<[string, number], { id: number; n: number }>(
      `SELECT targetId AS id, COUNT(*) AS n FROM Edge WHERE targetId IN (SELECT value FROM json_each(?)) ${asOf} GROUP BY targetId`,
    ),
    describe: db.prepare<[string], DescribeRow>(`
      SELECT n.id, n.key, n.type, n.namespace, n.name,
             COALESCE(d.kind, vd.kind, jb.kind, rj.kind) AS kind,
             COALESCE(v.version, dl.version) AS version,
             COALESCE(r.state, jr.state) AS state,
             COALESCE(v.isFailed, dl.isFailed, 0) AS versionFailed,
             COALESCE(v.isSynthetic, dl.isSynthetic, 0) AS isSynthetic,
             COALESCE(r.endedAt, r.startedAt, jr.startedAt, v.createdAt, dl.createdAt, d.updatedAt, jb.updatedAt) AS time
      FROM json_each(?) AS j
      JOIN Node n ON n.id = j.value
      LEFT JOIN Dataset d ON d.nodeId = n.id
      LEFT JOIN DatasetVersion dl ON dl.key = d.latestVersionKey
      LEFT JOIN Job jb ON jb.nodeId = n.id
      LEFT JOIN Run jr ON jr.runId = jb.latestRunId
      LEFT JOIN DatasetVersion v ON v.nodeId = n.id
      LEFT JOIN Dataset vd ON vd.key = v.datasetKey
      LEFT JOIN Run r ON r.nodeId = n.id
      LEFT JOIN Job rj ON rj.key = r.jobKey`),
  };
}

interface DescribeRow {
  id: number;
  key: string;
  type: NodeType;
  namespace: string;
  name: string;
  kind: string | null;
  version: string | null;
  state: RunState | null;
  versionFailed: number;
  isSynthetic: number;
  time: string | null;
}

type Statements = ReturnType<typeof prepare>;
const statementsByDb = new WeakMap<Sqlite, Statements>();
function statements(db: Sqlite): Statements {
  let s = statementsByDb.get(db);
  if (!s) {
    s = prepare(db);
    statementsByDb.set(db, s);
  }
  return s;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** The neighbourhood of one node: breadth-first, depth hops, at most `limit` nodes. */
export function getLineage(db: Sqlite, query: LineageQuery): LineageGraph {
  const s = statements(db);
  const asOf = query.asOfSeq ?? NO_LIMIT;
  const focus = s.nodeByKey.get(query.nodeId);
  if (!focus || focus.seq > asOf) throw new AppError("not_found", `No node with id ${query.nodeId}.`);

  const included = new Set<number>([focus.id]);
  const edges = new Map<string, EdgeRow>();
  let truncated = false;

  const walk = (step: typeof s.downstream, next: (e: EdgeRow) => number) => {
    let frontier = [focus.id];
    for (let hop = 0; hop < query.depth && frontier.length > 0; hop++) {
      const found = step.all(JSON.stringify(frontier), asOf);
      // Deterministic order, so the same query cut by the same budget returns the same nodes.
      found.sort((a, b) => a.sourceId - b.sourceId || a.targetId - b.targetId);
      const newFrontier: number[] = [];
      for (const e of found) {
        const other = next(e);
        if (!included.has(other)) {
          if (included.size >= query.limit) {
            truncated = true;
            continue;
          }
          included.add(other);
          newFrontier.push(other);
        }
        edges.set(`${e.sourceId}>${e.targetId}`, e);
      }
      frontier = newFrontier;
    }
  };
  if (query.direction !== "downstream") walk(s.upstream, (e) => e.sourceId);
  if (query.direction !== "upstream") walk(s.downstream, (e) => e.targetId);

  const ids = JSON.stringify([...included]);
  const inDegree = new Map(s.inDegree.all(ids, asOf).map((r) => [r.id, r.n]));
  const outDegree = new Map(s.outDegree.all(ids, asOf).map((r) => [r.id, r.n]));
  const rows = s.describe.all(ids);
  const keyOf = new Map<number, string>();
  // Flagged: a flag sits on the node or reaches it from upstream (as of the same point).
  const flagged = getFlagPropagation(db, query.asOfSeq).flaggedKeys;
  const nodes: LineageNode[] = rows
    .map((r) => {
      keyOf.set(r.id, r.key);
      return toLineageNode(r, inDegree.get(r.id) ?? 0, outDegree.get(r.id) ?? 0, flagged);
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const edgeList: LineageEdge[] = [];
  for (const e of edges.values()) {
    const source = keyOf.get(e.sourceId);
    const target = keyOf.get(e.targetId);
    if (source && target) edgeList.push({ source, target });
  }
  edgeList.sort((a, b) => (a.source + a.target < b.source + b.target ? -1 : 1));
  return { focus: query.nodeId, nodes, edges: edgeList, truncated };
}

function toLineageNode(r: DescribeRow, upstreamCount: number, downstreamCount: number, flagged: ReadonlySet<string>): LineageNode {
  const isRunLike = r.type === "run" || r.type === "job";
  return {
    id: r.key,
    type: r.type,
    namespace: r.namespace,
    name: r.name,
    kind: r.kind,
    version: r.type === "run" ? null : r.version,
    state: isRunLike ? r.state : null,
    isFailed: isRunLike ? r.state === "FAILED" : r.versionFailed === 1,
    isSynthetic: r.isSynthetic === 1,
    isFlagged: flagged.has(r.key),
    upstreamCount,
    downstreamCount,
    time: r.time,
  };
}

/** Describes a set of nodes by key (for lists in the side panel and search results). */
export function describeNodes(db: Sqlite, keys: readonly string[]): LineageNode[] {
  if (keys.length === 0) return [];
  const s = statements(db);
  const ids = keys.map((k) => s.nodeByKey.get(k)?.id).filter((id): id is number => id !== undefined);
  const json = JSON.stringify(ids);
  const inDegree = new Map(s.inDegree.all(json, NO_LIMIT).map((r) => [r.id, r.n]));
  const outDegree = new Map(s.outDegree.all(json, NO_LIMIT).map((r) => [r.id, r.n]));
  const flagged = getFlagPropagation(db).flaggedKeys;
  const byKey = new Map(
    s.describe.all(json).map((r) => [r.key, toLineageNode(r, inDegree.get(r.id) ?? 0, outDegree.get(r.id) ?? 0, flagged)]),
  );
  return keys.map((k) => byKey.get(k)).filter((n): n is LineageNode => n !== undefined);
}
