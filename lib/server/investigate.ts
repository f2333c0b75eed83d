import "server-only";
import { isRecord } from "@/lib/lineage/json";
import type { Sqlite } from "./db";
import { AppError } from "./errors";
import { getNodeFlags } from "./flags";
import { eventTimeOf, type AsOfPoint } from "./investigate-asof";
import { getConfig } from "@/lib/config";
import { describeNodes } from "./lineage";
import { factorsBehind, rankCauses } from "@/lib/lineage/causes";
import { diffLineage } from "@/lib/lineage/investigate-diff";
import { buildAdjacency, type ChangeNote, type VersionGraph, type VersionGraphNode } from "@/lib/lineage/investigate-graph";
import type {
  CausesView,
  ComparisonCandidate,
  FailedOutput,
  FailureReasonView,
  Investigation,
  LineageDiffView,
  SyntheticReportView,
} from "@/lib/lineage/investigate-view";
import { computeSynthetic, describeSyntheticBasis, syntheticReport, type SyntheticThresholds } from "@/lib/lineage/synthetic";
import { nodeTypeOf, runIdOf, nodeId } from "@/lib/lineage/node-id";
import { type LineageNode, type RunState } from "@/lib/lineage/types";
import { readChangeFacet, readEvaluationMetrics, readSyntheticFacet } from "@/lib/schemas/threadline-facets";
import { compareMetrics, type MetricComparisonRow } from "@/lib/lineage/metric-comparison";
import { readFacets, readFailedChecks, readFailureReasons, readRunParameters } from "@/lib/schemas/columns";

/**
 * Investigating failed outputs: the exact upstream version graph of a failed version or run as it
 * was when it was made, the diff against a good one, the common causes across a job's outputs and
 * the synthetic data behind it. This module reads the projection into plain version graphs
 * (`collectVersionGraph`) and hands them to the pure functions in lib/lineage.
 */

/** Most nodes an upstream collection gathers (a version graph this size is already unreadable). */
export const MAX_GRAPH_NODES = 5000;
/** Least number of failed outputs a factor must sit behind to count as a common cause. */
export const MIN_FAILED_SUPPORT = 2;
/** Most outputs the common-causes ranking compares (the most recent ones). */
export const MAX_OUTCOMES = 500;

type Facets = Record<string, unknown>;

function changeOf(facets: Facets): ChangeNote | null {
  const c = readChangeFacet(facets);
  return c ? { reason: c.reason, author: c.author, ticket: c.ticket } : null;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The upstream version graph of `startKeys` (themselves included), breadth-first in SQL one hop at
 * a time, as of `asOfSeq`, described with what the diff, causes and synthetic functions compare.
 */
export function collectVersionGraph(
  db: Sqlite,
  startKeys: readonly string[],
  asOfSeq: number = NO_LIMIT,
  maxNodes: number = MAX_GRAPH_NODES,
): VersionGraph & { truncated: boolean } {
  const byKey = db.prepare<[string], { id: number; seq: number }>("SELECT id, seq FROM Node WHERE key = ?");
  const hop = db.prepare<[string, number], { sourceId: number; targetId: number }>(
    "SELECT sourceId, targetId FROM Edge WHERE targetId IN (SELECT value FROM json_each(?)) AND seq <= ?",
  );
  const included = new Set<number>();
  let frontier: number[] = [];
  for (const key of startKeys) {
    const row = byKey.get(key);
    if (row && row.seq <= asOfSeq && !included.has(row.id)) {
      included.add(row.id);
      frontier.push(row.id);
    }
  }
  const edges: { sourceId: number; targetId: number }[] = [];
  let truncated = false;
  while (frontier.length > 0) {
    const next: number[] = [];
    const found = hop.all(JSON.stringify(frontier), asOfSeq).sort((a, b) => a.sourceId - b.sourceId || a.targetId - b.targetId);
    for (const e of found) {
      if (!included.has(e.sourceId)) {
        if (included.size >= maxNodes) {
          truncated = true;
          continue;
        }
        included.add(e.sourceId);
        next.push(e.sourceId);
      }
      edges.push(e);
    }
    frontier = next;
  }
  const ids = JSON.stringify([...included]);
  const nodeRows = db
    .prepare<[string], { id: number; key: string; type: string; namespace: string; name: string }>(
      "SELECT id, key, type, namespace, name FROM Node WHERE id IN (SELECT value FROM json_each(?))",
    )
    .all(ids);
  const keyOf = new Map(nodeRows.map((r) => [r.id, r.key]));
  const versionKeys = nodeRows.filter((r) => r.type === "datasetVersion").map((r) => r.key);
  const runIds = nodeRows.filter((r) => r.type === "run").map((r) => runIdOf(r.key));

  const versions = new Map(
    db
      .prepare<[string], { key: string; datasetKey: string; version: string; isFailed: number; isSynthetic: number; facets: string; createdAt: string; kind: string }>(
        `SELECT v.key, v.datasetKey, v.version, v.isFailed, v.isSynthetic, v.facets, v.createdAt, d.kind
         FROM DatasetVersion v JOIN Dataset d ON d.key = v.datasetKey WHERE v.key IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(versionKeys))
      .map((r) => [r.key, r]),
  );
  const outputFacets = new Map<string, Facets>();
  for (const r of db
    .prepare<[string], { datasetVersionKey: string; facets: string }>(
      `SELECT datasetVersionKey, facets FROM RunDataset WHERE direction = 'output' AND datasetVersionKey IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(versionKeys))) {
    outputFacets.set(r.datasetVersionKey, { ...(outputFacets.get(r.datasetVersionKey) ?? {}), ...readFacets(r.facets) });
  }
  const runs = new Map(
    db
      .prepare<[string], { runId: string; jobKey: string; state: string; parameters: string; facets: string; jobFacets: string; startedAt: string | null; endedAt: string | null; kind: string | null }>(
        `SELECT r.runId, r.jobKey, r.state, r.parameters, r.facets, r.jobFacets, r.startedAt, r.endedAt, j.kind
         FROM Run r LEFT JOIN Job j ON j.key = r.jobKey WHERE r.runId IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(runIds))
      .map((r) => [nodeId.run(r.runId), r]),
  );

  const nodes: Record<string, VersionGraphNode> = {};
  for (const r of nodeRows) {
    const base = {
      id: r.key,
      namespace: r.namespace,
      name: r.name,
      isSynthetic: false,
      syntheticShare: null,
      syntheticGeneration: null,
      rowCount: null,
      parameters: {},
      codeVersion: null,
      change: null,
      time: null,
    };
    if (r.type === "datasetVersion") {
      const v = versions.get(r.key);
      const facets = readFacets(v?.facets);
      const out = outputFacets.get(r.key) ?? {};
      const synthetic = readSyntheticFacet(out) ?? readSyntheticFacet(facets);
      const stats = isRecord(out.outputStatistics) ? out.outputStatistics : null;
      nodes[r.key] = {
        ...base,
        type: "datasetVersion",
        entity: v?.datasetKey ?? r.key,
        version: v?.version ?? null,
        kind: v?.kind ?? null,
        state: null,
        isFailed: v?.isFailed === 1,
        isSynthetic: v?.isSynthetic === 1 || "threadline_synthetic" in out,
        syntheticShare: synthetic?.syntheticShare ?? null,
        syntheticGeneration: synthetic?.generation ?? null,
        rowCount: stats && typeof stats.rowCount === "number" ? stats.rowCount : null,
        change: changeOf(facets),
        time: v?.createdAt ?? null,
      };
    } else if (r.type === "run") {
      const run = runs.get(r.key);
      const params: Record<string, string> = {};
      for (const p of readRunParameters(run?.parameters)) params[p.key] = p.value;
      const jobFacets = readFacets(run?.jobFacets);
      const loc = isRecord(jobFacets.sourceCodeLocation) ? jobFacets.sourceCodeLocation : null;
      nodes[r.key] = {
        ...base,
        type: "run",
        entity: run?.jobKey ?? r.key,
        version: null,
        kind: run?.kind ?? null,
        state: (run?.state as RunState | undefined) ?? null,
        isFailed: run?.state === "FAILED",
        parameters: params,
        codeVersion: loc && typeof loc.version === "string" ? loc.version : null,
        change: changeOf(readFacets(run?.facets)),
        time: run?.endedAt ?? run?.startedAt ?? null,
      };
    }
  }
  const edgeList = edges
    .map((e) => ({ source: keyOf.get(e.sourceId) as string, target: keyOf.get(e.targetId) as string }))
    .filter((e) => e.source && e.target && nodes[e.source] && nodes[e.target]);
  return { nodes, edges: edgeList, truncated };
}

function mergeGraphs(...graphs: VersionGraph[]): VersionGraph {
  const nodes: Record<string, VersionGraphNode> = {};
  const edges = new Map<string, { source: string; target: string }>();
  for (const g of graphs) {
    Object.assign(nodes, g.nodes);
    for (const e of g.edges) edges.set(`${e.source}>${e.target}`, e);
  }
  return { nodes, edges: [...edges.values()] };
}

function labelOf(n: LineageNode | undefined, fallback: string): string {
  if (!n) return fallback;
  if (n.type === "run") return `${n.name} run`;
  return n.version ? `${n.name}@${n.version}` : n.name;
}

function labelsFor(db: Sqlite, keys: Iterable<string>): Record<string, string> {
  const list = [...new Set(keys)];
  const described = new Map(describeNodes(db, list).map((n) => [n.id, n]));
  const labels: Record<string, string> = {};
  for (const k of list) labels[k] = labelOf(described.get(k), k);
  return labels;
}

function requireNode(db: Sqlite, key: string, types: readonly string[]): LineageNode {
  const type = nodeTypeOf(key);
  const [node] = type && types.includes(type) ? describeNodes(db, [key]) : [];
  if (!node) {
    throw new AppError("not_found", `No ${types.join(" or ")} with id ${key}.`, [{ path: "node", message: `expected a ${types.join(" or ")} id` }]);
  }
  return node;
}

/** The run that made a version, or null. */
function producerRunId(db: Sqlite, versionKey: string): string | null {
  return db.prepare<[string], { producedByRunId: string | null }>("SELECT producedByRunId FROM DatasetVersion WHERE key = ?").get(versionKey)?.producedByRunId ?? null;
}

/**
 * The event that made a node: for a run, its last event; for a version, its producing run's last
 * event; for a source version, the event that first named it.
 */
export function madeAtSeq(db: Sqlite, key: string): number {
  const runSeq = (runId: string) =>
    db.prepare<[string], { seq: number | null }>("SELECT MAX(seq) AS seq FROM Event WHERE runId = ?").get(runId)?.seq ?? null;
  const nodeSeq = db.prepare<[string], { seq: number }>("SELECT seq FROM Node WHERE key = ?").get(key)?.seq ?? 0;
  const type = nodeTypeOf(key);
  if (type === "run") return runSeq(runIdOf(key)) ?? nodeSeq;
  if (type === "datasetVersion") {
    const producer = producerRunId(db, key);
    const seq = producer ? runSeq(producer) : null;
    return Math.max(seq ?? 0, nodeSeq);
  }
  return nodeSeq;
}

function failureOf(db: Sqlite, target: LineageNode): Investigation["failure"] {
  const reasons: FailureReasonView[] = [];
  let errorMessage: string | null = null;
  if (target.type === "datasetVersion") {
    const row = db.prepare<[string], { failureReasons: string }>("SELECT failureReasons FROM DatasetVersion WHERE key = ?").get(target.id);
    for (const r of readFailureReasons(row?.failureReasons)) {
      reasons.push({
        source: r.source,
        check: r.check ?? null,
        message: r.message ?? "",
        run: r.run ?? null,
        runLabel: null,
        flagId: r.flagId ?? null,
        by: r.by ?? null,
      });
    }
  } else if (target.type === "run") {
    const run = db
      .prepare<[string], { state: string; errorMessage: string | null; failedChecks: string }>("SELECT state, errorMessage, failedChecks FROM Run WHERE runId = ?")
      .get(runIdOf(target.id));
    errorMessage = run?.errorMessage ?? null;
    if (run?.state === "FAILED") {
      reasons.push({ source: "run", check: null, message: errorMessage ? `the run failed: ${errorMessage}` : "the run failed", run: target.id, runLabel: null, flagId: null, by: null });
    }
    for (const c of readFailedChecks(run?.failedChecks)) {
      reasons.push({ source: "check", check: c.check, message: c.message, run: target.id, runLabel: null, flagId: null, by: null });
    }
  }
  const runLabels = labelsFor(db, reasons.flatMap((r) => (r.run ? [r.run] : [])));
  for (const r of reasons) if (r.run) r.runLabel = runLabels[r.run] ?? r.run;
  return { isFailed: target.isFailed || reasons.length > 0, reasons, errorMessage };
}

/** Candidates to compare with, newest first, and the default: the most recent passing one of the same job. */
function comparisonCandidates(db: Sqlite, target: LineageNode, maxSeq: number): { candidates: ComparisonCandidate[]; defaultId: string | null } {
  const candidates: ComparisonCandidate[] = [];
  let defaultId: string | null = null;
  if (target.type === "datasetVersion") {
    const self = db.prepare<[string], { datasetKey: string; producedByRunId: string | null }>("SELECT datasetKey, producedByRunId FROM DatasetVersion WHERE key = ?").get(target.id);
    if (!self) return { candidates, defaultId };
    const jobKey = self.producedByRunId
      ? (db.prepare<[string], { jobKey: string }>("SELECT jobKey FROM Run WHERE runId = ?").get(self.producedByRunId)?.jobKey ?? null)
      : null;
    const rows = db
      .prepare<[string, number], { key: string; version: string; isFailed: number; createdAt: string; jobKey: string | null; state: string | null }>(
        `SELECT v.key, v.version, v.isFailed, v.createdAt, r.jobKey, r.state FROM DatasetVersion v
         JOIN Node n ON n.id = v.nodeId LEFT JOIN Run r ON r.runId = v.producedByRunId
         WHERE v.datasetKey = ? AND n.seq <= ? ORDER BY v.createdAt DESC, v.key LIMIT 200`,
      )
      .all(self.datasetKey, maxSeq);
    for (const r of rows) {
      if (r.key === target.id) continue;
      candidates.push({ id: r.key, label: `${target.name}@${r.version}`, isFailed: r.isFailed === 1, time: r.createdAt });
      if (defaultId === null && r.isFailed === 0 && r.state !== "FAILED" && (jobKey === null || r.jobKey === jobKey)) defaultId = r.key;
    }
  } else if (target.type === "run") {
    const jobKey = db.prepare<[string], { jobKey: string }>("SELECT jobKey FROM Run WHERE runId = ?").get(runIdOf(target.id))?.jobKey;
    if (!jobKey) return { candidates, defaultId };
    const rows = db
      .prepare<[string, number], { runId: string; state: string; startedAt: string | null; failedOutputs: number }>(
        `SELECT r.runId, r.state, r.startedAt,
                (SELECT COUNT(*) FROM RunDataset rd JOIN DatasetVersion v ON v.key = rd.datasetVersionKey
                 WHERE rd.runId = r.runId AND rd.direction = 'output' AND v.isFailed = 1) AS failedOutputs
         FROM Run r JOIN Node n ON n.id = r.nodeId WHERE r.jobKey = ? AND n.seq <= ? ORDER BY r.startedAt DESC, r.runId LIMIT 200`,
      )
      .all(jobKey, maxSeq);
    for (const r of rows) {
      const id = nodeId.run(r.runId);
      if (id === target.id) continue;
      const isFailed = r.state === "FAILED" || r.failedOutputs > 0;
      candidates.push({ id, label: `${target.name} run ${r.runId.slice(0, 8)}`, isFailed, time: r.startedAt });
      if (defaultId === null && !isFailed && r.state === "COMPLETED") defaultId = id;
    }
  }
  return { candidates, defaultId };
}

/** The diff of two nodes' upstream lineage, each as it was when it was made. */
export function getDiff(db: Sqlite, a: string, b: string | undefined): LineageDiffView {
  const target = requireNode(db, a, ["datasetVersion", "run"]);
  const bId = b ?? comparisonCandidates(db, target, NO_LIMIT).defaultId;
  if (!bId) {
    throw new AppError("not_found", `No passing output of the same job to compare ${a} with; name one with b=<node id>.`, [
      { path: "b", message: "no default comparison" },
    ]);
  }
  requireNode(db, bId, ["datasetVersion", "run"]);
  const graph = mergeGraphs(collectVersionGraph(db, [a], madeAtSeq(db, a)), collectVersionGraph(db, [bId], madeAtSeq(db, bId)));
  return withLabels(db, diffLineage(graph, a, bId));
}

function withLabels(db: Sqlite, diff: ReturnType<typeof diffLineage>): LineageDiffView {
  const keys = new Set<string>([diff.a, diff.b, ...Object.keys(diff.marks)]);
  for (const c of diff.inputs.changed) keys.add(c.node);
  return { ...diff, labels: labelsFor(db, keys) };
}

/**
 * Everything the investigate view shows for a failed version or run: the upstream graph as it was
 * when the node was made (or at `asOf`), why it failed, its flags, the diff against `compare` (by
 * default the most recent passing output of the same job) and the synthetic data behind it.
 */
export function getInvestigation(db: Sqlite, key: string, options: { compare?: string; asOf?: AsOfPoint } = {}): Investigation {
  const target = requireNode(db, key, ["datasetVersion", "run"]);
  const seq = options.asOf?.seq ?? madeAtSeq(db, key);
  const nodeSeq = db.prepare<[string], { seq: number }>("SELECT seq FROM Node WHERE key = ?").get(key)?.seq ?? 0;
  if (nodeSeq > seq) throw new AppError("not_found", `${key} did not exist yet as of event ${seq}.`, [{ path: "asOf", message: "before the node was made" }]);
  const asOf = { seq, time: options.asOf?.time ?? eventTimeOf(db, seq), isRequested: options.asOf !== undefined };

  const graphA = collectVersionGraph(db, [key], seq);
  // Comparisons are not limited to what existed when the node was made (a later passing output is
  // the best contrast), unless the address asks for an as-of view.
  const { candidates, defaultId } = comparisonCandidates(db, target, options.asOf ? seq : NO_LIMIT);
  const bId = options.compare ?? defaultId;
  let diff: LineageDiffView | null = null;
  let b: LineageNode | null = null;
  let graph: VersionGraph = graphA;
  if (bId && bId !== key) {
    b = requireNode(db, bId, ["datasetVersion", "run"]);
    const graphB = collectVersionGraph(db, [bId], Math.min(madeAtSeq(db, bId), options.asOf ? seq : NO_LIMIT));
    graph = mergeGraphs(graphA, graphB);
    diff = withLabels(db, diffLineage(graph, key, bId));
  }

  const described = describeNodes(db, Object.keys(graph.nodes));
  let synthetic: SyntheticReportView | null = null;
  const syntheticTarget = target.type === "datasetVersion" ? key : firstOutput(graphA, key);
  if (syntheticTarget) {
    const report = syntheticReport(graphA, syntheticTarget, syntheticThresholds());
    synthetic = { ...report, labels: labelsFor(db, [report.node, ...report.sources.flatMap((s) => [s.node, ...s.enteredTraining])]) };
  }

  const syntheticByNode: Investigation["syntheticByNode"] = {};
  for (const [id, n] of computeSynthetic(graph)) {
    if (n.share > 0 || n.generation > 0) {
      syntheticByNode[id] = { share: n.share, generation: n.generation, meaning: describeSyntheticBasis(n.basis, graph.nodes[id]?.kind === "model") };
    }
  }

  return {
    target,
    asOf,
    failure: failureOf(db, target),
    flags: getNodeFlags(db, key, options.asOf ? seq : undefined),
    graph: { nodes: described, edges: graph.edges.sort((x, y) => (x.source + x.target < y.source + y.target ? -1 : 1)), truncated: graphA.truncated },
    comparison: { b, isDefault: options.compare === undefined, candidates },
    diff,
    synthetic,
    syntheticByNode,
    causesScope: causesScopeOf(db, target),
    metrics: b ? metricsOf(db, key, b.id) : null,
  };
}

/** The metrics of the runs behind a and b (a version stands for the run that made it); null when neither logged any. */
function metricsOf(db: Sqlite, a: string, b: string): MetricComparisonRow[] | null {
  const facetsOf = (key: string) => {
    const runId = nodeTypeOf(key) === "run" ? runIdOf(key) : db.prepare<[string], { runId: string | null }>("SELECT producedByRunId AS runId FROM DatasetVersion WHERE key = ?").get(key)?.runId;
    const row = runId ? db.prepare<[string], { facets: string }>("SELECT facets FROM Run WHERE runId = ?").get(runId) : undefined;
    return readEvaluationMetrics(readFacets(row?.facets));
  };
  const rows = compareMetrics(facetsOf(a), facetsOf(b));
  return rows.length > 0 ? rows : null;
}

function firstOutput(graph: VersionGraph, runKey: string): string | null {
  const outputs = buildAdjacency(graph.edges).downstream.get(runKey) ?? [];
  return outputs[0] ?? null;
}

function causesScopeOf(db: Sqlite, target: LineageNode): { id: string; label: string } | null {
  if (target.type === "datasetVersion") {
    const datasetKey = db.prepare<[string], { datasetKey: string }>("SELECT datasetKey FROM DatasetVersion WHERE key = ?").get(target.id)?.datasetKey;
    return datasetKey ? { id: datasetKey, label: target.name } : null;
  }
  if (target.type === "run") {
    const jobKey = db.prepare<[string], { jobKey: string }>("SELECT jobKey FROM Run WHERE runId = ?").get(runIdOf(target.id))?.jobKey;
    return jobKey ? { id: jobKey, label: target.name } : null;
  }
  return null;
}

/**
 * Common causes across the outputs of a dataset (its versions) or a job (its runs; a run failed
 * when it failed or one of its outputs did). A version or run stands for its dataset or job.
 */
export function getCauses(db: Sqlite, nodeKey: string, limit = 50): CausesView {
  const type = nodeTypeOf(nodeKey);
  let scopeKey = nodeKey;
  if (type === "datasetVersion") {
    scopeKey = db.prepare<[string], { datasetKey: string }>("SELECT datasetKey FROM DatasetVersion WHERE key = ?").get(nodeKey)?.datasetKey ?? nodeKey;
  } else if (type === "run") {
    scopeKey = db.prepare<[string], { jobKey: string }>("SELECT jobKey FROM Run WHERE runId = ?").get(runIdOf(nodeKey))?.jobKey ?? nodeKey;
  }
  const scope = requireNode(db, scopeKey, ["dataset", "job"]);

  let outcomes: { id: string; isFailed: boolean }[];
  if (scope.type === "dataset") {
    outcomes = db
      .prepare<[string, number], { key: string; isFailed: number }>(
        "SELECT key, isFailed FROM DatasetVersion WHERE datasetKey = ? ORDER BY createdAt DESC LIMIT ?",
      )
      .all(scopeKey, MAX_OUTCOMES)
      .map((r) => ({ id: r.key, isFailed: r.isFailed === 1 }));
  } else {
    outcomes = db
      .prepare<[string, number], { runId: string; state: string; failedOutputs: number }>(
        `SELECT r.runId, r.state,
                (SELECT COUNT(*) FROM RunDataset rd JOIN DatasetVersion v ON v.key = rd.datasetVersionKey
                 WHERE rd.runId = r.runId AND rd.direction = 'output' AND v.isFailed = 1) AS failedOutputs
         FROM Run r WHERE r.jobKey = ? ORDER BY r.startedAt DESC LIMIT ?`,
      )
      .all(scopeKey, MAX_OUTCOMES)
      .map((r) => ({ id: nodeId.run(r.runId), isFailed: r.state === "FAILED" || r.failedOutputs > 0 }));
  }

  const graph = collectVersionGraph(db, outcomes.map((o) => o.id), NO_LIMIT, MAX_GRAPH_NODES * 4);
  const adjacency = buildAdjacency(graph.edges);
  // A factor behind a single failure (that run's seed) is not a common cause: at least two.
  const ranked = rankCauses(
    outcomes.map((o) => ({ ...o, factors: factorsBehind(graph, o.id, adjacency) })),
    { limit, minFailed: MIN_FAILED_SUPPORT },
  );
  return {
    ...ranked,
    scope: { id: scopeKey, label: scope.name, type: scope.type },
    causes: ranked.causes.map((c) => ({ ...c, href: `/lineage?node=${encodeURIComponent(c.node)}` })),
  };
}

/** Synthetic share and generation of a version (a dataset stands for its latest version). */
export function getSynthetic(db: Sqlite, nodeKey: string): SyntheticReportView {
  let key = nodeKey;
  if (nodeTypeOf(nodeKey) === "dataset") {
    key = db.prepare<[string], { latestVersionKey: string | null }>("SELECT latestVersionKey FROM Dataset WHERE key = ?").get(nodeKey)?.latestVersionKey ?? nodeKey;
  }
  requireNode(db, key, ["datasetVersion"]);
  const graph = collectVersionGraph(db, [key]);
  const report = syntheticReport(graph, key, syntheticThresholds());
  return { ...report, labels: labelsFor(db, [report.node, ...report.sources.flatMap((s) => [s.node, ...s.enteredTraining])]) };
}

/** Failed outputs and runs, newest first: where an investigation starts. */
export function listFailedOutputs(db: Sqlite, limit = 30): FailedOutput[] {
  const versions = db
    .prepare<[number], { key: string; version: string; name: string; createdAt: string; failureReasons: string }>(
      `SELECT v.key, v.version, d.name, v.createdAt, v.failureReasons FROM DatasetVersion v JOIN Dataset d ON d.key = v.datasetKey
       WHERE v.isFailed = 1 ORDER BY v.createdAt DESC, v.key LIMIT ?`,
    )
    .all(limit)
    .map((r) => ({
      id: r.key,
      label: `${r.name}@${r.version}`,
      type: "datasetVersion" as const,
      time: r.createdAt,
      reason: readFailureReasons(r.failureReasons)[0]?.message ?? null,
    }));
  const runs = db
    .prepare<[number], { runId: string; name: string; endedAt: string | null; errorMessage: string | null }>(
      `SELECT r.runId, j.name, r.endedAt, r.errorMessage FROM Run r JOIN Job j ON j.key = r.jobKey
       WHERE r.state = 'FAILED' ORDER BY r.endedAt DESC, r.runId LIMIT ?`,
    )
    .all(limit)
    .map((r) => ({ id: nodeId.run(r.runId), label: `${r.name} run ${r.runId.slice(0, 8)}`, type: "run" as const, time: r.endedAt, reason: r.errorMessage }));
  return [...versions, ...runs].sort((a, b) => ((a.time ?? "") < (b.time ?? "") ? 1 : -1)).slice(0, limit);
}

/** The synthetic-data warning thresholds configured for this server (lib/config.ts). */
function syntheticThresholds(): SyntheticThresholds {
  const config = getConfig();
  return { share: config.THREADLINE_SYNTHETIC_SHARE_WARN, generations: config.THREADLINE_SYNTHETIC_GENERATIONS_WARN };
}
