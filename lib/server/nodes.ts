import "server-only";
import { isRecord } from "@/lib/lineage/json";
import type { Sqlite } from "./db";
import { AppError } from "./errors";
import { describeNodes } from "./lineage";
import type {
  ChangeEntry,
  NodeDetail,
  NodeRef,
  NodeType,
  RunParameter,
  RunState,
  RunSummary,
  Transformation,
  VersionSummary,
} from "@/lib/lineage/types";
import { nodeId, nodeTypeOf, runIdOf } from "@/lib/lineage/node-id";
import { diffParameters, diffSets } from "@/lib/lineage/changes";
import { readChangeFacet } from "@/lib/schemas/threadline-facets";
import { readFacets, readRunParameters } from "@/lib/schemas/columns";

/**
 * Everything about one node, for GET /api/v1/nodes/<id> and the side panel: what it is, what made
 * it (job, run, parameters, inputs), how it changed version after version and why. Plain SQL on the
 * handle it is given, so the same function answers for the live store and for the store as of an
 * event (`storeAsOf`).
 */

interface Job {
  key: string;
  namespace: string;
  name: string;
  kind: string | null;
  description: string | null;
  facets: string;
  latestRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Run {
  runId: string;
  jobKey: string;
  state: string;
  startedAt: string | null;
  endedAt: string | null;
  nominalTime: string | null;
  parentRunId: string | null;
  errorMessage: string | null;
  stackTrace: string | null;
  parameters: string;
  reason: string | null;
  facets: string;
  jobFacets: string;
  updatedAt: string;
}

interface Dataset {
  key: string;
  description: string | null;
  facets: string;
  latestVersionKey: string | null;
  createdAt: string;
  updatedAt: string;
}

interface DatasetVersion {
  key: string;
  datasetKey: string;
  version: string;
  producedByRunId: string | null;
  reason: string | null;
  contentHash: string | null;
  isSynthetic: number;
  isFailed: number;
  facets: string;
  createdAt: string;
  updatedAt: string;
}

const RUN_COLUMNS =
  "runId, jobKey, state, startedAt, endedAt, nominalTime, parentRunId, errorMessage, stackTrace, parameters, reason, facets, jobFacets, updatedAt";
const VERSION_COLUMNS =
  "key, datasetKey, version, producedByRunId, reason, contentHash, isSynthetic, isFailed, facets, createdAt, updatedAt";

function findJob(db: Sqlite, key: string): Job | undefined {
  return db.prepare<[string], Job>("SELECT key, namespace, name, kind, description, facets, latestRunId, createdAt, updatedAt FROM Job WHERE key = ?").get(key);
}

function findRuns(db: Sqlite, runIds: readonly string[]): Run[] {
  return db.prepare<[string], Run>(`SELECT ${RUN_COLUMNS} FROM Run WHERE runId IN (SELECT value FROM json_each(?))`).all(JSON.stringify(runIds));
}

type Facets = Record<string, unknown>;

function text(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

function ownersOf(f: Facets): string[] {
  const o = f.ownership;
  if (!isRecord(o) || !Array.isArray(o.owners)) return [];
  return o.owners.flatMap((x) => (isRecord(x) && text(x.name) ? [String(x.name)] : []));
}

function tagsOf(f: Facets): string[] {
  const t = f.tags;
  if (!isRecord(t) || !Array.isArray(t.tags)) return [];
  return t.tags.flatMap((x) => {
    if (!isRecord(x) || !text(x.key)) return [];
    const value = text(x.value);
    return [value && value !== "true" ? `${x.key}: ${value}` : String(x.key)];
  });
}

function schemaOf(f: Facets): NodeDetail["schema"] {
  const s = f.schema;
  if (!isRecord(s) || !Array.isArray(s.fields)) return [];
  return s.fields.flatMap((x) =>
    isRecord(x) && text(x.name)
      ? [{ name: String(x.name), type: text(x.type), description: text(x.description) }]
      : [],
  );
}

function codeVersionOf(jobFacets: Facets): string | null {
  const loc = jobFacets.sourceCodeLocation;
  return isRecord(loc) ? text(loc.version) : null;
}

function refOf(n: { id: string; type: NodeType; namespace: string; name: string; version: string | null; kind: string | null }): NodeRef {
  return { id: n.id, type: n.type, namespace: n.namespace, name: n.name, version: n.version, kind: n.kind };
}

function runSummary(r: Run): RunSummary {
  return {
    id: nodeId.run(r.runId),
    runId: r.runId,
    state: r.state as RunState,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    reason: r.reason,
    errorMessage: r.errorMessage,
  };
}

function versionSummary(v: DatasetVersion): VersionSummary {
  const change = readChangeFacet(readFacets(v.facets));
  return {
    id: v.key,
    version: v.version,
    createdAt: v.createdAt,
    producedByRun: v.producedByRunId ? nodeId.run(v.producedByRunId) : null,
    reason: v.reason,
    author: change?.author ?? null,
    isSynthetic: v.isSynthetic === 1,
    isFailed: v.isFailed === 1,
    contentHash: v.contentHash,
  };
}

export function getNodeDetail(db: Sqlite, key: string): NodeDetail {
  const type = nodeTypeOf(key);
  const [node] = type ? describeNodes(db, [key]) : [];
  if (!type || !node) throw new AppError("not_found", `No node with id ${key}.`);
  const neighbours = neighbourRefs(db, key);

  const base = {
    node,
    upstream: neighbours.upstream,
    downstream: neighbours.downstream,
  };

  if (type === "dataset" || type === "datasetVersion") {
    const version =
      type === "datasetVersion" ? db.prepare<[string], DatasetVersion>(`SELECT ${VERSION_COLUMNS} FROM DatasetVersion WHERE key = ?`).get(key) : undefined;
    const datasetKey = version?.datasetKey ?? key;
    const dataset = db
      .prepare<[string], Dataset>("SELECT key, description, facets, latestVersionKey, createdAt, updatedAt FROM Dataset WHERE key = ?")
      .get(datasetKey);
    if (!dataset) throw new AppError("not_found", `No node with id ${key}.`);
    const versions = db
      .prepare<[string], DatasetVersion>(`SELECT ${VERSION_COLUMNS} FROM DatasetVersion WHERE datasetKey = ? ORDER BY createdAt DESC, key ASC`)
      .all(datasetKey);
    const current = version ?? versions.find((v) => v.key === dataset.latestVersionKey) ?? null;
    const facets = { ...readFacets(dataset.facets), ...readFacets(current?.facets) };
    const producingRun = current?.producedByRunId ? findRuns(db, [current.producedByRunId])[0] : undefined;
    const versionReason = current?.reason ?? producingRun?.reason ?? null;
    return {
      ...base,
      description: dataset.description,
      owners: ownersOf(facets),
      tags: tagsOf(facets),
      createdAt: version?.createdAt ?? dataset.createdAt,
      updatedAt: version?.updatedAt ?? dataset.updatedAt,
      contentHash: current?.contentHash ?? null,
      schema: schemaOf(facets),
      versions: versions.map((v) => {
        const s = versionSummary(v);
        return v.key === current?.key && !s.reason ? { ...s, reason: versionReason } : s;
      }),
      runs: [],
      transformation: producingRun ? transformationOf(db, producingRun) : null,
      changes: versionChanges(db, versions),
      facets,
    };
  }

  const run = type === "run" ? (findRuns(db, [runIdOf(key)])[0] ?? null) : null;
  const jobKey = run?.jobKey ?? key;
  const job = findJob(db, jobKey);
  if (!job) throw new AppError("not_found", `No node with id ${key}.`);
  // Runs without a start time last, as Prisma's ordering put nulls.
  const runs = db
    .prepare<[string], Run>(`SELECT ${RUN_COLUMNS} FROM Run WHERE jobKey = ? ORDER BY startedAt IS NULL, startedAt DESC, runId ASC`)
    .all(jobKey);
  const current = run ?? runs.find((r) => r.runId === job.latestRunId) ?? null;
  const facets = run ? { ...readFacets(run.jobFacets), ...readFacets(run.facets) } : readFacets(job.facets);
  return {
    ...base,
    description: job.description,
    owners: ownersOf(facets),
    tags: tagsOf(facets),
    createdAt: run?.startedAt ?? job.createdAt,
    updatedAt: run?.updatedAt ?? job.updatedAt,
    contentHash: null,
    schema: [],
    versions: [],
    runs: runs.map(runSummary),
    transformation: current ? transformationOf(db, current, job) : transformationOfJob(job),
    changes: runChanges(db, runs),
    facets,
  };
}

function neighbourRefs(db: Sqlite, key: string): { upstream: NodeRef[]; downstream: NodeRef[] } {
  const rows = db
    .prepare<[string, string], { key: string; dir: string }>(
      `SELECT n.key, 'up' AS dir FROM Edge e JOIN Node n ON n.id = e.sourceId WHERE e.targetId = (SELECT id FROM Node WHERE key = ?)
       UNION ALL
       SELECT n.key, 'down' AS dir FROM Edge e JOIN Node n ON n.id = e.targetId WHERE e.sourceId = (SELECT id FROM Node WHERE key = ?)`,
    )
    .all(key, key);
  const described = new Map(describeNodes(db, rows.map((r) => r.key)).map((n) => [n.id, refOf(n)]));
  const pick = (dir: string) =>
    rows
      .filter((r) => r.dir === dir)
      .map((r) => described.get(r.key))
      .filter((n): n is NodeRef => n !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { upstream: pick("up"), downstream: pick("down") };
}

function ioOf(db: Sqlite, runIds: string[]) {
  const rows = db
    .prepare<[string], { runId: string; direction: string; datasetVersionKey: string }>(
      "SELECT runId, direction, datasetVersionKey FROM RunDataset WHERE runId IN (SELECT value FROM json_each(?))",
    )
    .all(JSON.stringify(runIds));
  const keys = [...new Set(rows.map((r) => r.datasetVersionKey))];
  const described = new Map(describeNodes(db, keys).map((n) => [n.id, refOf(n)]));
  const byRun = new Map<string, { inputs: NodeRef[]; outputs: NodeRef[] }>();
  for (const r of rows) {
    const entry = byRun.get(r.runId) ?? { inputs: [], outputs: [] };
    const ref = described.get(r.datasetVersionKey);
    if (ref) (r.direction === "input" ? entry.inputs : entry.outputs).push(ref);
    byRun.set(r.runId, entry);
  }
  for (const e of byRun.values()) {
    e.inputs.sort((a, b) => a.id.localeCompare(b.id));
    e.outputs.sort((a, b) => a.id.localeCompare(b.id));
  }
  return byRun;
}

function jobPart(job: Job, jobFacets: Facets): Transformation["job"] {
  const loc = isRecord(jobFacets.sourceCodeLocation) ? jobFacets.sourceCodeLocation : null;
  const code = isRecord(jobFacets.sourceCode) ? jobFacets.sourceCode : null;
  const sql = isRecord(jobFacets.sql) ? jobFacets.sql : null;
  return {
    id: job.key,
    namespace: job.namespace,
    name: job.name,
    kind: job.kind,
    description: job.description,
    sourceCodeUrl: loc ? (text(loc.url) ?? text(loc.repoUrl)) : null,
    sourceCode: code && text(code.sourceCode) ? { language: text(code.language), code: String(code.sourceCode) } : null,
    sql: sql ? text(sql.query) : null,
  };
}

function transformationOf(db: Sqlite, run: Run, knownJob?: Job): Transformation {
  const job = knownJob ?? findJob(db, run.jobKey);
  const io = ioOf(db, [run.runId]).get(run.runId) ?? { inputs: [], outputs: [] };
  const runFacets = readFacets(run.facets);
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  const ended = run.endedAt ? Date.parse(run.endedAt) : NaN;
  const jobFacets = readFacets(run.jobFacets);
  return {
    job: job
      ? jobPart(job, jobFacets)
      : { id: run.jobKey, namespace: "", name: run.jobKey, kind: null, description: null, sourceCodeUrl: null, sourceCode: null, sql: null },
    run: {
      id: nodeId.run(run.runId),
      runId: run.runId,
      state: run.state as RunState,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      durationMs: Number.isNaN(started) || Number.isNaN(ended) ? null : ended - started,
      nominalTime: run.nominalTime,
      parentRun: run.parentRunId ? nodeId.run(run.parentRunId) : null,
      errorMessage: run.errorMessage,
      stackTrace: run.stackTrace,
      reason: run.reason,
      author: readChangeFacet(runFacets)?.author ?? null,
      parameters: readRunParameters(run.parameters),
    },
    inputs: io.inputs,
    outputs: io.outputs,
  };
}

function transformationOfJob(job: Job): Transformation {
  return { job: jobPart(job, readFacets(job.facets)), run: null, inputs: [], outputs: [] };
}

/** Each version against the one before it: the producing runs' parameters, inputs and schema. */
function versionChanges(db: Sqlite, versionsNewestFirst: DatasetVersion[]): ChangeEntry[] {
  const runIds = versionsNewestFirst.flatMap((v) => (v.producedByRunId ? [v.producedByRunId] : []));
  const runs = new Map(findRuns(db, runIds).map((r) => [r.runId, r]));
  const io = ioOf(db, runIds);
  const oldestFirst = [...versionsNewestFirst].reverse();
  const entries = oldestFirst.map((v, i): ChangeEntry => {
    const prev = i > 0 ? oldestFirst[i - 1] : null;
    const run = v.producedByRunId ? runs.get(v.producedByRunId) : undefined;
    const prevRun = prev?.producedByRunId ? runs.get(prev.producedByRunId) : undefined;
    const change = readChangeFacet(readFacets(v.facets)) ?? readChangeFacet(readFacets(run?.facets));
    const fields = (x: DatasetVersion | null) => schemaOf(readFacets(x?.facets)).map((f) => f.name);
    const inputs = (r: Run | undefined) => (r ? (io.get(r.runId)?.inputs ?? []).map((n) => n.id) : []);
    return {
      id: v.key,
      label: v.version,
      time: v.createdAt,
      reason: v.reason ?? run?.reason ?? null,
      author: change?.author ?? null,
      parameterChanges: prev ? diffParameters(readRunParameters(prevRun?.parameters), readRunParameters(run?.parameters)) : [],
      schemaChanges: prev ? diffSets(fields(prev), fields(v)) : { added: [], removed: [] },
      inputChanges: prev ? diffSets(inputs(prevRun), inputs(run)) : { added: [], removed: [] },
    };
  });
  return entries.reverse();
}

/** Each run of a job against the run before it: parameters, code version, inputs. */
function runChanges(db: Sqlite, runsNewestFirst: Run[]): ChangeEntry[] {
  const io = ioOf(db, runsNewestFirst.map((r) => r.runId));
  const oldestFirst = [...runsNewestFirst].reverse();
  const entries = oldestFirst.map((r, i): ChangeEntry => {
    const prev = i > 0 ? oldestFirst[i - 1] : null;
    const inputs = (x: Run | null) => (x ? (io.get(x.runId)?.inputs ?? []).map((n) => n.id) : []);
    const params = (x: Run | null): RunParameter[] => {
      const list = readRunParameters(x?.parameters);
      const code = codeVersionOf(readFacets(x?.jobFacets));
      return code ? [...list, { key: "code version", value: code, source: "sourceCodeLocation" }] : list;
    };
    return {
      id: nodeId.run(r.runId),
      label: r.startedAt ? r.startedAt.slice(0, 16).replace("T", " ") : r.runId.slice(0, 8),
      time: r.startedAt,
      reason: r.reason,
      author: readChangeFacet(readFacets(r.facets))?.author ?? null,
      parameterChanges: prev ? diffParameters(params(prev), params(r)) : [],
      schemaChanges: { added: [], removed: [] },
      inputChanges: prev ? diffSets(inputs(prev), inputs(r)) : { added: [], removed: [] },
    };
  });
  return entries.reverse();
}
