import "server-only";
import { isRecord } from "@/lib/lineage/json";
import { AppError } from "./errors";
import { getNodeFlags } from "./flags";
import { eventTimeOf, type AsOfPoint } from "./investigate-asof";
import { GENESIS_HASH } from "./event-log";
import { getConfig } from "@/lib/config";
import { describeNodes } from "./lineage";
import { markSignatureStatuses } from "./signers";
import { MAX_SEQ, type Queryable } from "./store/types";
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
import { lineageHref } from "@/lib/lineage/url-state";
import { type LineageNode, type RunState } from "@/lib/lineage/types";
import { readChangeFacet, readEvaluationMetrics, readSyntheticFacet } from "@/lib/schemas/threadline-facets";
import { schemaFieldsOf } from "@/lib/lineage/columns";
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

const NO_LIMIT = MAX_SEQ;

/**
 * The upstream version graph of `startKeys` (themselves included), breadth-first in SQL one hop at
 * a time, as of `asOfSeq`, described with what the diff, causes and synthetic functions compare.
 */
export async function collectVersionGraph(
  db: Queryable,
  startKeys: readonly string[],
  asOfSeq: number = NO_LIMIT,
  maxNodes: number = MAX_GRAPH_NODES,
): Promise<VersionGraph & { truncated: boolean }> {
  const hop = (frontier: number[]) =>
    db.all<{ sourceId: number; targetId: number }>(
      `SELECT "sourceId", "targetId" FROM "Edge" WHERE "targetId" IN ${db.dialect.jsonValues("integer")} AND "seq" <= ?`,
      [JSON.stringify(frontier), Math.min(asOfSeq, NO_LIMIT)],
    );
  const starts = new Map(
    (
      await db.all<{ id: number; key: string; seq: number }>(`SELECT "id", "key", "seq" FROM "Node" WHERE "key" IN ${db.dialect.jsonValues("text")}`, [
        JSON.stringify(startKeys),
      ])
    ).map((r) => [r.key, r]),
  );
  const included = new Set<number>();
  let frontier: number[] = [];
  for (const key of startKeys) {
    const row = starts.get(key);
    if (row && row.seq <= asOfSeq && !included.has(row.id)) {
      included.add(row.id);
      frontier.push(row.id);
    }
  }
  const edges: { sourceId: number; targetId: number }[] = [];
  let truncated = false;
  while (frontier.length > 0) {
    const next: number[] = [];
    const found = (await hop(frontier)).sort((a, b) => a.sourceId - b.sourceId || a.targetId - b.targetId);
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
  const nodeRows = await db.all<{ id: number; key: string; type: string; namespace: string; name: string }>(
    `SELECT "id", "key", "type", "namespace", "name" FROM "Node" WHERE "id" IN ${db.dialect.jsonValues("integer")}`,
    [ids],
  );
  const keyOf = new Map(nodeRows.map((r) => [r.id, r.key]));
  const versionKeys = nodeRows.filter((r) => r.type === "datasetVersion").map((r) => r.key);
  const runIds = nodeRows.filter((r) => r.type === "run").map((r) => runIdOf(r.key));

  const texts = db.dialect.jsonValues("text");
  const versions = new Map(
    (
      await db.all<{ key: string; datasetKey: string; version: string; isFailed: boolean | number; isSynthetic: boolean | number; facets: string; createdAt: string; kind: string }>(
        `SELECT v."key", v."datasetKey", v."version", v."isFailed", v."isSynthetic", v."facets", v."createdAt", d."kind"
         FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey" WHERE v."key" IN ${texts}`,
        [JSON.stringify(versionKeys)],
      )
    ).map((r) => [r.key, r]),
  );
  const outputFacets = new Map<string, Facets>();
  for (const r of await db.all<{ datasetVersionKey: string; facets: string }>(
    `SELECT "datasetVersionKey", "facets" FROM "RunDataset" WHERE "direction" = 'output' AND "datasetVersionKey" IN ${texts}`,
    [JSON.stringify(versionKeys)],
  )) {
    outputFacets.set(r.datasetVersionKey, { ...(outputFacets.get(r.datasetVersionKey) ?? {}), ...readFacets(r.facets) });
  }
  const runs = new Map(
    (
      await db.all<{ runId: string; jobKey: string; state: string; parameters: string; facets: string; jobFacets: string; startedAt: string | null; endedAt: string | null; kind: string | null }>(
        `SELECT r."runId", r."jobKey", r."state", r."parameters", r."facets", r."jobFacets", r."startedAt", r."endedAt", j."kind"
         FROM "Run" r LEFT JOIN "Job" j ON j."key" = r."jobKey" WHERE r."runId" IN ${texts}`,
        [JSON.stringify(runIds)],
      )
    ).map((r) => [nodeId.run(r.runId), r]),
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
        isFailed: Boolean(v?.isFailed),
        isSynthetic: Boolean(v?.isSynthetic) || "threadline_synthetic" in out,
        syntheticShare: synthetic?.syntheticShare ?? null,
        syntheticGeneration: synthetic?.generation ?? null,
        rowCount: stats && typeof stats.rowCount === "number" ? stats.rowCount : null,
        change: changeOf(facets),
        time: v?.createdAt ?? null,
        schema: schemaFieldsOf(facets),
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

/** How many of a run's (r) outputs failed, as a correlated subquery. */
const FAILED_OUTPUTS_OF_RUN = `SELECT COUNT(*) FROM "RunDataset" rd JOIN "DatasetVersion" v ON v."key" = rd."datasetVersionKey"
  WHERE rd."runId" = r."runId" AND rd."direction" = 'output' AND v."isFailed" = TRUE`;

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

async function labelsFor(db: Queryable, keys: Iterable<string>): Promise<Record<string, string>> {
  const list = [...new Set(keys)];
  const described = new Map((await describeNodes(db, list)).map((n) => [n.id, n]));
  const labels: Record<string, string> = {};
  for (const k of list) labels[k] = labelOf(described.get(k), k);
  return labels;
}

async function requireNode(db: Queryable, key: string, types: readonly string[]): Promise<LineageNode> {
  const type = nodeTypeOf(key);
  const [node] = type && types.includes(type) ? await describeNodes(db, [key]) : [];
  if (!node) {
    throw new AppError("not_found", `No ${types.join(" or ")} with id ${key}.`, [{ path: "node", message: `expected a ${types.join(" or ")} id` }]);
  }
  return node;
}

/** The run that made a version, or null. */
async function producerRunId(db: Queryable, versionKey: string): Promise<string | null> {
  return (await db.get<{ producedByRunId: string | null }>(`SELECT "producedByRunId" FROM "DatasetVersion" WHERE "key" = ?`, [versionKey]))?.producedByRunId ?? null;
}

/** The job of a run, or undefined. */
async function jobKeyOfRun(db: Queryable, runId: string): Promise<string | undefined> {
  return (await db.get<{ jobKey: string }>(`SELECT "jobKey" FROM "Run" WHERE "runId" = ?`, [runId]))?.jobKey;
}

/** The dataset of a version, or undefined. */
async function datasetKeyOf(db: Queryable, versionKey: string): Promise<string | undefined> {
  return (await db.get<{ datasetKey: string }>(`SELECT "datasetKey" FROM "DatasetVersion" WHERE "key" = ?`, [versionKey]))?.datasetKey;
}

/** The event that first named a node (0 when none did). */
async function nodeSeqOf(db: Queryable, key: string): Promise<number> {
  return (await db.get<{ seq: number }>(`SELECT "seq" FROM "Node" WHERE "key" = ?`, [key]))?.seq ?? 0;
}

/**
 * The event that made a node: for a run, its last event; for a version, its producing run's last
 * event; for a source version, the event that first named it.
 */
export async function madeAtSeq(db: Queryable, key: string): Promise<number> {
  const runSeq = async (runId: string) => (await db.get<{ seq: number | null }>(`SELECT MAX("seq") AS "seq" FROM "Event" WHERE "runId" = ?`, [runId]))?.seq ?? null;
  const nodeSeq = await nodeSeqOf(db, key);
  const type = nodeTypeOf(key);
  if (type === "run") return (await runSeq(runIdOf(key))) ?? nodeSeq;
  if (type === "datasetVersion") {
    const producer = await producerRunId(db, key);
    const seq = producer ? await runSeq(producer) : null;
    return Math.max(seq ?? 0, nodeSeq);
  }
  return nodeSeq;
}

async function failureOf(db: Queryable, target: LineageNode): Promise<Investigation["failure"]> {
  const reasons: FailureReasonView[] = [];
  let errorMessage: string | null = null;
  if (target.type === "datasetVersion") {
    const row = await db.get<{ failureReasons: string }>(`SELECT "failureReasons" FROM "DatasetVersion" WHERE "key" = ?`, [target.id]);
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
    const run = await db.get<{ state: string; errorMessage: string | null; failedChecks: string }>(
      `SELECT "state", "errorMessage", "failedChecks" FROM "Run" WHERE "runId" = ?`,
      [runIdOf(target.id)],
    );
    errorMessage = run?.errorMessage ?? null;
    if (run?.state === "FAILED") {
      reasons.push({ source: "run", check: null, message: errorMessage ? `the run failed: ${errorMessage}` : "the run failed", run: target.id, runLabel: null, flagId: null, by: null });
    }
    for (const c of readFailedChecks(run?.failedChecks)) {
      reasons.push({ source: "check", check: c.check, message: c.message, run: target.id, runLabel: null, flagId: null, by: null });
    }
  }
  const runLabels = await labelsFor(db, reasons.flatMap((r) => (r.run ? [r.run] : [])));
  for (const r of reasons) if (r.run) r.runLabel = runLabels[r.run] ?? r.run;
  return { isFailed: target.isFailed || reasons.length > 0, reasons, errorMessage };
}

/** Candidates to compare with, newest first, and the default: the most recent passing one of the same job. */
async function comparisonCandidates(
  db: Queryable,
  target: LineageNode,
  maxSeq: number,
): Promise<{ candidates: ComparisonCandidate[]; defaultId: string | null }> {
  const candidates: ComparisonCandidate[] = [];
  let defaultId: string | null = null;
  if (target.type === "datasetVersion") {
    const self = await db.get<{ datasetKey: string; producedByRunId: string | null }>(
      `SELECT "datasetKey", "producedByRunId" FROM "DatasetVersion" WHERE "key" = ?`,
      [target.id],
    );
    if (!self) return { candidates, defaultId };
    const jobKey = self.producedByRunId ? ((await jobKeyOfRun(db, self.producedByRunId)) ?? null) : null;
    const rows = await db.all<{ key: string; version: string; isFailed: boolean | number; createdAt: string; jobKey: string | null; state: string | null }>(
      `SELECT v."key", v."version", v."isFailed", v."createdAt", r."jobKey", r."state" FROM "DatasetVersion" v
       JOIN "Node" n ON n."id" = v."nodeId" LEFT JOIN "Run" r ON r."runId" = v."producedByRunId"
       WHERE v."datasetKey" = ? AND n."seq" <= ? ORDER BY v."createdAt" DESC, v."key" LIMIT 200`,
      [self.datasetKey, maxSeq],
    );
    for (const r of rows) {
      if (r.key === target.id) continue;
      candidates.push({ id: r.key, label: `${target.name}@${r.version}`, isFailed: Boolean(r.isFailed), time: r.createdAt });
      if (defaultId === null && !r.isFailed && r.state !== "FAILED" && (jobKey === null || r.jobKey === jobKey)) defaultId = r.key;
    }
  } else if (target.type === "run") {
    const jobKey = await jobKeyOfRun(db, runIdOf(target.id));
    if (!jobKey) return { candidates, defaultId };
    const rows = await db.all<{ runId: string; state: string; startedAt: string | null; failedOutputs: number }>(
      `SELECT r."runId", r."state", r."startedAt", (${FAILED_OUTPUTS_OF_RUN}) AS "failedOutputs"
       FROM "Run" r JOIN "Node" n ON n."id" = r."nodeId" WHERE r."jobKey" = ? AND n."seq" <= ? ORDER BY r."startedAt" DESC NULLS LAST, r."runId" LIMIT 200`,
      [jobKey, maxSeq],
    );
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
export async function getDiff(db: Queryable, a: string, b: string | undefined): Promise<LineageDiffView> {
  const target = await requireNode(db, a, ["datasetVersion", "run"]);
  const bId = b ?? (await comparisonCandidates(db, target, NO_LIMIT)).defaultId;
  if (!bId) {
    throw new AppError("not_found", `No passing output of the same job to compare ${a} with; name one with b=<node id>.`, [
      { path: "b", message: "no default comparison" },
    ]);
  }
  await requireNode(db, bId, ["datasetVersion", "run"]);
  const graph = mergeGraphs(
    await collectVersionGraph(db, [a], await madeAtSeq(db, a)),
    await collectVersionGraph(db, [bId], await madeAtSeq(db, bId)),
  );
  return withLabels(db, diffLineage(graph, a, bId));
}

async function withLabels(db: Queryable, diff: ReturnType<typeof diffLineage>): Promise<LineageDiffView> {
  const keys = new Set<string>([diff.a, diff.b, ...Object.keys(diff.marks)]);
  for (const c of diff.inputs.changed) keys.add(c.node);
  return { ...diff, labels: await labelsFor(db, keys) };
}

/**
 * Everything the investigate view shows for a failed version or run: the upstream graph as it was
 * when the node was made (or at `asOf`), why it failed, its flags, the diff against `compare` (by
 * default the most recent passing output of the same job) and the synthetic data behind it.
 */
export async function getInvestigation(db: Queryable, key: string, options: { compare?: string; asOf?: AsOfPoint } = {}): Promise<Investigation> {
  const target = await requireNode(db, key, ["datasetVersion", "run"]);
  const seq = options.asOf?.seq ?? (await madeAtSeq(db, key));
  const nodeSeq = await nodeSeqOf(db, key);
  if (nodeSeq > seq) throw new AppError("not_found", `${key} did not exist yet as of event ${seq}.`, [{ path: "asOf", message: "before the node was made" }]);
  const hash = seq > 0 ? ((await db.get<{ hash: string }>(`SELECT "hash" FROM "Event" WHERE "seq" = ?`, [seq]))?.hash ?? GENESIS_HASH) : GENESIS_HASH;
  const asOf = { seq, hash, time: options.asOf?.time ?? (await eventTimeOf(db, seq)), isRequested: options.asOf !== undefined };
  const bound = Math.min(seq, NO_LIMIT);

  const graphA = await collectVersionGraph(db, [key], bound);
  // Comparisons are not limited to what existed when the node was made (a later passing output is
  // the best contrast), unless the address asks for an as-of view.
  const { candidates, defaultId } = await comparisonCandidates(db, target, options.asOf ? bound : NO_LIMIT);
  const bId = options.compare ?? defaultId;
  let diff: LineageDiffView | null = null;
  let b: LineageNode | null = null;
  let graph: VersionGraph = graphA;
  if (bId && bId !== key) {
    b = await requireNode(db, bId, ["datasetVersion", "run"]);
    const graphB = await collectVersionGraph(db, [bId], Math.min(await madeAtSeq(db, bId), options.asOf ? bound : NO_LIMIT));
    graph = mergeGraphs(graphA, graphB);
    diff = await withLabels(db, diffLineage(graph, key, bId));
  }

  const described = await describeNodes(db, Object.keys(graph.nodes));
  await markSignatureStatuses(db, described);
  let synthetic: SyntheticReportView | null = null;
  const syntheticTarget = target.type === "datasetVersion" ? key : firstOutput(graphA, key);
  if (syntheticTarget) {
    const report = syntheticReport(graphA, syntheticTarget, syntheticThresholds());
    synthetic = { ...report, labels: await labelsFor(db, [report.node, ...report.sources.flatMap((s) => [s.node, ...s.enteredTraining])]) };
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
    failure: await failureOf(db, target),
    flags: await getNodeFlags(db, key, options.asOf ? seq : undefined),
    graph: { nodes: described, edges: graph.edges.sort((x, y) => (x.source + x.target < y.source + y.target ? -1 : 1)), truncated: graphA.truncated },
    comparison: { b, isDefault: options.compare === undefined, candidates },
    diff,
    synthetic,
    syntheticByNode,
    causesScope: await causesScopeOf(db, target),
    metrics: b ? await metricsOf(db, key, b.id) : null,
  };
}

/** The metrics of the runs behind a and b (a version stands for the run that made it); null when neither logged any. */
async function metricsOf(db: Queryable, a: string, b: string): Promise<MetricComparisonRow[] | null> {
  const facetsOf = async (key: string) => {
    const runId = nodeTypeOf(key) === "run" ? runIdOf(key) : await producerRunId(db, key);
    const row = runId ? await db.get<{ facets: string }>(`SELECT "facets" FROM "Run" WHERE "runId" = ?`, [runId]) : undefined;
    return readEvaluationMetrics(readFacets(row?.facets));
  };
  const rows = compareMetrics(await facetsOf(a), await facetsOf(b));
  return rows.length > 0 ? rows : null;
}

function firstOutput(graph: VersionGraph, runKey: string): string | null {
  const outputs = buildAdjacency(graph.edges).downstream.get(runKey) ?? [];
  return outputs[0] ?? null;
}

async function causesScopeOf(db: Queryable, target: LineageNode): Promise<{ id: string; label: string } | null> {
  if (target.type === "datasetVersion") {
    const datasetKey = await datasetKeyOf(db, target.id);
    return datasetKey ? { id: datasetKey, label: target.name } : null;
  }
  if (target.type === "run") {
    const jobKey = await jobKeyOfRun(db, runIdOf(target.id));
    return jobKey ? { id: jobKey, label: target.name } : null;
  }
  return null;
}

/**
 * Common causes across the outputs of a dataset (its versions) or a job (its runs; a run failed
 * when it failed or one of its outputs did). A version or run stands for its dataset or job.
 */
export async function getCauses(db: Queryable, nodeKey: string, limit = 50): Promise<CausesView> {
  const type = nodeTypeOf(nodeKey);
  let scopeKey = nodeKey;
  if (type === "datasetVersion") {
    scopeKey = (await datasetKeyOf(db, nodeKey)) ?? nodeKey;
  } else if (type === "run") {
    scopeKey = (await jobKeyOfRun(db, runIdOf(nodeKey))) ?? nodeKey;
  }
  const scope = await requireNode(db, scopeKey, ["dataset", "job"]);

  let outcomes: { id: string; isFailed: boolean }[];
  if (scope.type === "dataset") {
    outcomes = (
      await db.all<{ key: string; isFailed: boolean | number }>(
        `SELECT "key", "isFailed" FROM "DatasetVersion" WHERE "datasetKey" = ? ORDER BY "createdAt" DESC LIMIT ?`,
        [scopeKey, MAX_OUTCOMES],
      )
    ).map((r) => ({ id: r.key, isFailed: Boolean(r.isFailed) }));
  } else {
    outcomes = (
      await db.all<{ runId: string; state: string; failedOutputs: number }>(
        `SELECT r."runId", r."state", (${FAILED_OUTPUTS_OF_RUN}) AS "failedOutputs"
         FROM "Run" r WHERE r."jobKey" = ? ORDER BY r."startedAt" DESC NULLS LAST LIMIT ?`,
        [scopeKey, MAX_OUTCOMES],
      )
    ).map((r) => ({ id: nodeId.run(r.runId), isFailed: r.state === "FAILED" || r.failedOutputs > 0 }));
  }

  const graph = await collectVersionGraph(db, outcomes.map((o) => o.id), NO_LIMIT, MAX_GRAPH_NODES * 4);
  const adjacency = buildAdjacency(graph.edges);
  // A factor behind a single failure (that run's seed) is not a common cause: at least two.
  const ranked = rankCauses(
    outcomes.map((o) => ({ ...o, factors: factorsBehind(graph, o.id, adjacency) })),
    { limit, minFailed: MIN_FAILED_SUPPORT },
  );
  return {
    ...ranked,
    scope: { id: scopeKey, label: scope.name, type: scope.type },
    causes: ranked.causes.map((c) => ({ ...c, href: lineageHref(c.node) })),
  };
}

/** Synthetic share and generation of a version (a dataset stands for its latest version). */
export async function getSynthetic(db: Queryable, nodeKey: string): Promise<SyntheticReportView> {
  let key = nodeKey;
  if (nodeTypeOf(nodeKey) === "dataset") {
    key = (await db.get<{ latestVersionKey: string | null }>(`SELECT "latestVersionKey" FROM "Dataset" WHERE "key" = ?`, [nodeKey]))?.latestVersionKey ?? nodeKey;
  }
  await requireNode(db, key, ["datasetVersion"]);
  const graph = await collectVersionGraph(db, [key]);
  const report = syntheticReport(graph, key, syntheticThresholds());
  return { ...report, labels: await labelsFor(db, [report.node, ...report.sources.flatMap((s) => [s.node, ...s.enteredTraining])]) };
}

/** Failed outputs and runs, newest first: where an investigation starts. */
export async function listFailedOutputs(db: Queryable, limit = 30): Promise<FailedOutput[]> {
  const versions = (
    await db.all<{ key: string; version: string; name: string; createdAt: string; failureReasons: string }>(
      `SELECT v."key", v."version", d."name", v."createdAt", v."failureReasons" FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey"
       WHERE v."isFailed" = TRUE ORDER BY v."createdAt" DESC, v."key" LIMIT ?`,
      [limit],
    )
  ).map((r) => ({
      id: r.key,
      label: `${r.name}@${r.version}`,
      type: "datasetVersion" as const,
      time: r.createdAt,
      reason: readFailureReasons(r.failureReasons)[0]?.message ?? null,
    }));
  const runs = (
    await db.all<{ runId: string; name: string; endedAt: string | null; errorMessage: string | null }>(
      `SELECT r."runId", j."name", r."endedAt", r."errorMessage" FROM "Run" r JOIN "Job" j ON j."key" = r."jobKey"
       WHERE r."state" = 'FAILED' ORDER BY r."endedAt" DESC NULLS LAST, r."runId" LIMIT ?`,
      [limit],
    )
  ).map((r) => ({ id: nodeId.run(r.runId), label: `${r.name} run ${r.runId.slice(0, 8)}`, type: "run" as const, time: r.endedAt, reason: r.errorMessage }));
  return [...versions, ...runs].sort((a, b) => ((a.time ?? "") < (b.time ?? "") ? 1 : -1)).slice(0, limit);
}

/** The synthetic-data warning thresholds configured for this server (lib/config.ts). */
function syntheticThresholds(): SyntheticThresholds {
  const config = getConfig();
  return { share: config.THREADLINE_SYNTHETIC_SHARE_WARN, generations: config.THREADLINE_SYNTHETIC_GENERATIONS_WARN };
}
