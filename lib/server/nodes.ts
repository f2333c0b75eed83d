import "server-only";
import { isRecord } from "@/lib/lineage/json";
import type { Queryable } from "./store/types";
import { AppError } from "./errors";
import { describeNodes } from "./lineage";
import { DETAIL_PAGE_SIZE } from "@/lib/lineage/types";
import type {
  ChangeEntry,
  DetailListName,
  DetailListPage,
  NodeDetail,
  NodeRef,
  NodeType,
  RunParameter,
  RunState,
  RunSummary,
  Transformation,
  VersionSummary,
  VersionFailure,
} from "@/lib/lineage/types";
import { nodeId, nodeTypeOf, runIdOf } from "@/lib/lineage/node-id";
import { diffParameters } from "@/lib/lineage/changes";
import { readChangeFacet } from "@/lib/schemas/threadline-facets";
import { schemaChanges, schemaFieldsOf } from "@/lib/lineage/columns";
import { readFacets, readFailureReasons, readRunParameters } from "@/lib/schemas/columns";

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

/** A DatasetVersion row as stored (booleans read back as 0/1 on SQLite); the projection writes the same shape. */
export interface DatasetVersion {
  key: string;
  datasetKey: string;
  version: string;
  producedByRunId: string | null;
  reason: string | null;
  contentHash: string | null;
  isSynthetic: boolean | number;
  isFailed: boolean | number;
  failureReasons: string;
  facets: string;
  createdAt: string;
  updatedAt: string;
}

const columns = (names: string) => names.split(", ").map((c) => `"${c}"`).join(", ");
const RUN_COLUMNS = columns(
  "runId, jobKey, state, startedAt, endedAt, nominalTime, parentRunId, errorMessage, stackTrace, parameters, reason, facets, jobFacets, updatedAt",
);
const VERSION_COLUMNS = columns(
  "key, datasetKey, version, producedByRunId, reason, contentHash, isSynthetic, isFailed, failureReasons, facets, createdAt, updatedAt",
);

/** A version's failure reasons (the typed column reader) as the panel shows them. */
function failuresOf(version: DatasetVersion | null): VersionFailure[] {
  if (!version || !version.isFailed) return [];
  return readFailureReasons(version.failureReasons).map((r) => ({ source: r.source, message: r.message, check: r.check ?? null, run: r.run ?? null }));
}

function findJob(db: Queryable, key: string): Promise<Job | undefined> {
  return db.get<Job>(`SELECT ${columns("key, namespace, name, kind, description, facets, latestRunId, createdAt, updatedAt")} FROM "Job" WHERE "key" = ?`, [key]);
}

function findRuns(db: Queryable, runIds: readonly string[]): Promise<Run[]> {
  return db.all<Run>(`SELECT ${RUN_COLUMNS} FROM "Run" WHERE "runId" IN ${db.dialect.jsonValues("text")}`, [JSON.stringify(runIds)]);
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

/** The schema facet's fields, nested ones by path (address.city). */
function schemaOf(f: Facets): NodeDetail["schema"] {
  return schemaFieldsOf(f).map(({ field, type, description }) => ({ name: field, type, description }));
}

/** Fields added, removed and retyped between two versions' schema facets. */
function schemaChangesBetween(before: Facets, after: Facets): ChangeEntry["schemaChanges"] {
  const changes = schemaChanges(schemaFieldsOf(before), schemaFieldsOf(after));
  const of = (kind: string) => changes.filter((c) => c.change === kind);
  return {
    added: of("added").map((c) => c.field),
    removed: of("removed").map((c) => c.field),
    retyped: of("retyped").map((c) => ({ field: c.field, from: c.typeBefore, to: c.typeAfter })),
  };
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
  return toVersionSummary(v, readChangeFacet(readFacets(v.facets))?.author ?? null);
}

/**
 * A DatasetVersion row as lists show it (a dataset's versions, the overview's failed outputs);
 * `author` from the version's change facet, where the reader has its facets.
 */
export function toVersionSummary(
  v: Pick<DatasetVersion, "key" | "version" | "createdAt" | "producedByRunId" | "reason" | "isSynthetic" | "isFailed" | "contentHash">,
  author: string | null,
): VersionSummary {
  return {
    id: v.key,
    version: v.version,
    createdAt: v.createdAt,
    producedByRun: v.producedByRunId ? nodeId.run(v.producedByRunId) : null,
    reason: v.reason,
    author,
    isSynthetic: Boolean(v.isSynthetic),
    isFailed: Boolean(v.isFailed),
    contentHash: v.contentHash,
  };
}

/*
 * A node's details hold the first page (DETAIL_PAGE_SIZE) of every list. A wide node (a job reading
 * 60,000 datasets) must answer in milliseconds and a few kilobytes, so lists are read a page at a
 * time with their totals, and the rest is paged with `getNodeDetailPage`. Most nodes fit in a page.
 */

/** Most added or removed inputs one change entry lists (a diff of two wide runs). */
const MAX_CHANGED_INPUTS = 200;

const VERSIONS_OF = `SELECT ${VERSION_COLUMNS} FROM "DatasetVersion" WHERE "datasetKey" = ? ORDER BY "createdAt" DESC, "key" ASC LIMIT ? OFFSET ?`;
// Runs without a start time last, as Prisma's ordering put nulls.
const RUNS_OF = `SELECT ${RUN_COLUMNS} FROM "Run" WHERE "jobKey" = ? ORDER BY "startedAt" DESC NULLS LAST, "runId" ASC LIMIT ? OFFSET ?`;
const VERSION_COUNT = `SELECT COUNT(*) AS "n" FROM "DatasetVersion" WHERE "datasetKey" = ?`;
const RUN_COUNT = `SELECT COUNT(*) AS "n" FROM "Run" WHERE "jobKey" = ?`;

function findVersion(db: Queryable, key: string): Promise<DatasetVersion | undefined> {
  return db.get<DatasetVersion>(`SELECT ${VERSION_COLUMNS} FROM "DatasetVersion" WHERE "key" = ?`, [key]);
}

async function countOf(db: Queryable, sql: string, ...params: string[]): Promise<number> {
  return (await db.get<{ n: number }>(sql, params))?.n ?? 0;
}

export async function getNodeDetail(db: Queryable, key: string): Promise<NodeDetail> {
  const type = nodeTypeOf(key);
  const [node] = type ? await describeNodes(db, [key]) : [];
  if (!type || !node) throw new AppError("not_found", `No node with id ${key}.`);
  const upstream = await neighbourPage(db, key, "upstream", 0, DETAIL_PAGE_SIZE);
  const downstream = await neighbourPage(db, key, "downstream", 0, DETAIL_PAGE_SIZE);
  const base = { node, upstream: upstream.items, downstream: downstream.items };
  const listTotals = { upstream: upstream.total, downstream: downstream.total, versions: 0, runs: 0, inputs: 0, outputs: 0 };

  if (type === "dataset" || type === "datasetVersion") {
    const version = type === "datasetVersion" ? await findVersion(db, key) : undefined;
    const datasetKey = version?.datasetKey ?? key;
    const dataset = await db.get<Dataset>(`SELECT ${columns("key, description, facets, latestVersionKey, createdAt, updatedAt")} FROM "Dataset" WHERE "key" = ?`, [
      datasetKey,
    ]);
    if (!dataset) throw new AppError("not_found", `No node with id ${key}.`);
    // One more than a page: the oldest entry of the page is diffed against the version before it.
    const window = await db.all<DatasetVersion>(VERSIONS_OF, [datasetKey, DETAIL_PAGE_SIZE + 1, 0]);
    const versions = window.slice(0, DETAIL_PAGE_SIZE);
    const current =
      version ??
      versions.find((v) => v.key === dataset.latestVersionKey) ??
      (dataset.latestVersionKey ? await findVersion(db, dataset.latestVersionKey) : undefined) ??
      null;
    const facets = { ...readFacets(dataset.facets), ...readFacets(current?.facets) };
    const producingRun = current?.producedByRunId ? (await findRuns(db, [current.producedByRunId]))[0] : undefined;
    const versionReason = current?.reason ?? producingRun?.reason ?? null;
    const transformation = producingRun ? await transformationOf(db, producingRun) : null;
    return {
      ...base,
      description: dataset.description,
      owners: ownersOf(facets),
      tags: tagsOf(facets),
      createdAt: version?.createdAt ?? dataset.createdAt,
      updatedAt: version?.updatedAt ?? dataset.updatedAt,
      contentHash: current?.contentHash ?? null,
      failures: failuresOf(current),
      schema: schemaOf(facets),
      versions: versions.map((v) => {
        const s = versionSummary(v);
        return v.key === current?.key && !s.reason ? { ...s, reason: versionReason } : s;
      }),
      runs: [],
      transformation: transformation?.value ?? null,
      changes: await versionChanges(db, window, DETAIL_PAGE_SIZE),
      facets,
      totals: {
        ...listTotals,
        versions: await countOf(db, VERSION_COUNT, datasetKey),
        inputs: transformation?.totals.inputs ?? 0,
        outputs: transformation?.totals.outputs ?? 0,
      },
    };
  }

  const run = type === "run" ? ((await findRuns(db, [runIdOf(key)]))[0] ?? null) : null;
  const jobKey = run?.jobKey ?? key;
  const job = await findJob(db, jobKey);
  if (!job) throw new AppError("not_found", `No node with id ${key}.`);
  const window = await db.all<Run>(RUNS_OF, [jobKey, DETAIL_PAGE_SIZE + 1, 0]);
  const runs = window.slice(0, DETAIL_PAGE_SIZE);
  const current =
    run ?? runs.find((r) => r.runId === job.latestRunId) ?? (job.latestRunId ? (await findRuns(db, [job.latestRunId]))[0] : undefined) ?? null;
  const facets = run ? { ...readFacets(run.jobFacets), ...readFacets(run.facets) } : readFacets(job.facets);
  const transformation = current ? await transformationOf(db, current, job) : null;
  return {
    ...base,
    description: job.description,
    owners: ownersOf(facets),
    tags: tagsOf(facets),
    createdAt: run?.startedAt ?? job.createdAt,
    updatedAt: run?.updatedAt ?? job.updatedAt,
    contentHash: null,
    failures: [],
    schema: [],
    versions: [],
    runs: runs.map(runSummary),
    transformation: transformation?.value ?? transformationOfJob(job),
    changes: await runChanges(db, window, DETAIL_PAGE_SIZE),
    facets,
    totals: {
      ...listTotals,
      runs: await countOf(db, RUN_COUNT, jobKey),
      inputs: transformation?.totals.inputs ?? 0,
      outputs: transformation?.totals.outputs ?? 0,
    },
  };
}

/**
 * One page of one list of a node's details, after the first page `getNodeDetail` gives. `cursor`
 * is the opaque string the previous page returned (today an offset: the lists are in a stable order
 * and a node's lists grow at the end paging reaches last).
 */
export async function getNodeDetailPage(db: Queryable, key: string, list: DetailListName, cursor: string | null, limit: number): Promise<DetailListPage> {
  const type = nodeTypeOf(key);
  const offset = cursor === null ? 0 : Number(cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new AppError("bad_request", "cursor is not one this API gave out.", [{ path: "cursor", message: "expected the nextCursor of a previous page" }]);
  }
  if (!type || (await describeNodes(db, [key])).length === 0) throw new AppError("not_found", `No node with id ${key}.`);
  let page: { items: DetailListPage["items"]; total: number } = { items: [], total: 0 };
  if (list === "upstream" || list === "downstream") {
    page = await neighbourPage(db, key, list, offset, limit);
  } else if (list === "versions" && (type === "dataset" || type === "datasetVersion")) {
    const datasetKey = type === "datasetVersion" ? ((await findVersion(db, key))?.datasetKey ?? key) : key;
    page = {
      items: (await db.all<DatasetVersion>(VERSIONS_OF, [datasetKey, limit, offset])).map(versionSummary),
      total: await countOf(db, VERSION_COUNT, datasetKey),
    };
  } else if (list === "runs" && (type === "job" || type === "run")) {
    const jobKey = type === "run" ? ((await findRuns(db, [runIdOf(key)]))[0]?.jobKey ?? key) : key;
    page = {
      items: (await db.all<Run>(RUNS_OF, [jobKey, limit, offset])).map(runSummary),
      total: await countOf(db, RUN_COUNT, jobKey),
    };
  } else if (list === "inputs" || list === "outputs") {
    const runId = await transformationRunIdOf(db, key, type);
    if (runId) page = await ioPage(db, runId, list === "inputs" ? "input" : "output", offset, limit);
  }
  const next = offset + page.items.length;
  return { list, items: page.items, total: page.total, nextCursor: next < page.total && page.items.length > 0 ? String(next) : null };
}

/** The run whose inputs and outputs a node's transformation shows (as getNodeDetail picks it). */
async function transformationRunIdOf(db: Queryable, key: string, type: NodeType): Promise<string | null> {
  if (type === "run") return runIdOf(key);
  if (type === "job") return (await findJob(db, key))?.latestRunId ?? null;
  const versionKey =
    type === "datasetVersion"
      ? key
      : (await db.get<{ latestVersionKey: string | null }>(`SELECT "latestVersionKey" FROM "Dataset" WHERE "key" = ?`, [key]))?.latestVersionKey;
  return versionKey ? ((await findVersion(db, versionKey))?.producedByRunId ?? null) : null;
}

/**
 * One page of a node's direct neighbours in one direction, in the order they were first recorded
 * (node ids grow with the log), and how many there are. That order is the edge index's own, so a
 * page of a node with 60,000 neighbours reads a page of rows, not all of them sorted by name.
 */
async function neighbourPage(
  db: Queryable,
  key: string,
  direction: "upstream" | "downstream",
  offset: number,
  limit: number,
): Promise<{ items: NodeRef[]; total: number }> {
  const [near, far, count] = direction === "upstream" ? ["targetId", "sourceId", "upstreamCount"] : ["sourceId", "targetId", "downstreamCount"];
  // The total is the count the projection keeps on the node's row.
  const node = await db.get<{ id: number; total: number }>(`SELECT "id", "${count}" AS "total" FROM "Node" WHERE "key" = ?`, [key]);
  if (node === undefined) return { items: [], total: 0 };
  const { id, total } = node;
  const keys = (
    await db.all<{ key: string }>(
      `SELECT n."key" FROM "Edge" e JOIN "Node" n ON n."id" = e."${far}" WHERE e."${near}" = ? ORDER BY e."${far}" LIMIT ? OFFSET ?`,
      [id, limit, offset],
    )
  ).map((r) => r.key);
  return { items: await describeRefs(db, keys), total };
}

/** NodeRefs for keys, in the order given. */
async function describeRefs(db: Queryable, keys: string[]): Promise<NodeRef[]> {
  const described = new Map((await describeNodes(db, keys)).map((n) => [n.id, refOf(n)]));
  return keys.flatMap((k) => {
    const ref = described.get(k);
    return ref ? [ref] : [];
  });
}

/** One page of a run's inputs or outputs (dataset versions, by id), and how many there are. */
async function ioPage(db: Queryable, runId: string, direction: "input" | "output", offset: number, limit: number): Promise<{ items: NodeRef[]; total: number }> {
  const total = await countOf(db, `SELECT COUNT(*) AS "n" FROM "RunDataset" WHERE "runId" = ? AND "direction" = ?`, runId, direction);
  const keys = (
    await db.all<{ k: string }>(
      `SELECT "datasetVersionKey" AS "k" FROM "RunDataset" WHERE "runId" = ? AND "direction" = ? ORDER BY "datasetVersionKey" LIMIT ? OFFSET ?`,
      [runId, direction, limit, offset],
    )
  ).map((r) => r.k);
  return { items: await describeRefs(db, keys), total };
}

/**
 * The inputs `runId` read that `previousRunId` did not (added) and the reverse (removed), sorted,
 * at most MAX_CHANGED_INPUTS each: two runs of a wide job differ in at most a page worth showing.
 */
async function inputChangesBetween(db: Queryable, previousRunId: string | null, runId: string | null): Promise<{ added: string[]; removed: string[] }> {
  if (!previousRunId || !runId) return { added: [], removed: [] };
  const except = async (a: string, b: string) =>
    (
      await db.all<{ k: string }>(
        `SELECT "datasetVersionKey" AS "k" FROM "RunDataset" WHERE "runId" = ? AND "direction" = 'input'
         EXCEPT SELECT "datasetVersionKey" FROM "RunDataset" WHERE "runId" = ? AND "direction" = 'input'
         ORDER BY 1 LIMIT ?`,
        [a, b, MAX_CHANGED_INPUTS],
      )
    ).map((r) => r.k);
  return { added: await except(runId, previousRunId), removed: await except(previousRunId, runId) };
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

async function transformationOf(db: Queryable, run: Run, knownJob?: Job): Promise<{ value: Transformation; totals: { inputs: number; outputs: number } }> {
  const job = knownJob ?? (await findJob(db, run.jobKey));
  const inputs = await ioPage(db, run.runId, "input", 0, DETAIL_PAGE_SIZE);
  const outputs = await ioPage(db, run.runId, "output", 0, DETAIL_PAGE_SIZE);
  const runFacets = readFacets(run.facets);
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  const ended = run.endedAt ? Date.parse(run.endedAt) : NaN;
  const jobFacets = readFacets(run.jobFacets);
  const value: Transformation = {
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
    inputs: inputs.items,
    outputs: outputs.items,
  };
  return { value, totals: { inputs: inputs.total, outputs: outputs.total } };
}

function transformationOfJob(job: Job): Transformation {
  return { job: jobPart(job, readFacets(job.facets)), run: null, inputs: [], outputs: [] };
}

/**
 * Each version of a page against the one before it: the producing runs' parameters, inputs and
 * schema. `window` is newest first and holds one version more than the page (the base of the page's
 * oldest diff) unless the page reaches the first version.
 */
async function versionChanges(db: Queryable, window: DatasetVersion[], pageSize: number): Promise<ChangeEntry[]> {
  const runIds = window.flatMap((v) => (v.producedByRunId ? [v.producedByRunId] : []));
  const runs = new Map((await findRuns(db, runIds)).map((r) => [r.runId, r]));
  const entries: ChangeEntry[] = [];
  for (const [i, v] of window.slice(0, pageSize).entries()) {
    const prev = window[i + 1] ?? null;
    const run = v.producedByRunId ? runs.get(v.producedByRunId) : undefined;
    const prevRun = prev?.producedByRunId ? runs.get(prev.producedByRunId) : undefined;
    const change = readChangeFacet(readFacets(v.facets)) ?? readChangeFacet(readFacets(run?.facets));
    entries.push({
      id: v.key,
      label: v.version,
      time: v.createdAt,
      reason: v.reason ?? run?.reason ?? null,
      author: change?.author ?? null,
      parameterChanges: prev ? diffParameters(readRunParameters(prevRun?.parameters), readRunParameters(run?.parameters)) : [],
      schemaChanges: prev ? schemaChangesBetween(readFacets(prev.facets), readFacets(v.facets)) : { added: [], removed: [], retyped: [] },
      inputChanges: prev ? await inputChangesBetween(db, prevRun?.runId ?? null, run?.runId ?? null) : { added: [], removed: [] },
    });
  }
  return entries;
}

/** Each run of a page of a job's runs against the run before it: parameters, code version, inputs. */
async function runChanges(db: Queryable, window: Run[], pageSize: number): Promise<ChangeEntry[]> {
  const entries: ChangeEntry[] = [];
  for (const [i, r] of window.slice(0, pageSize).entries()) {
    const prev = window[i + 1] ?? null;
    const params = (x: Run | null): RunParameter[] => {
      const list = readRunParameters(x?.parameters);
      const code = codeVersionOf(readFacets(x?.jobFacets));
      return code ? [...list, { key: "code version", value: code, source: "sourceCodeLocation" }] : list;
    };
    entries.push({
      id: nodeId.run(r.runId),
      label: r.startedAt ? r.startedAt.slice(0, 16).replace("T", " ") : r.runId.slice(0, 8),
      time: r.startedAt,
      reason: r.reason,
      author: readChangeFacet(readFacets(r.facets))?.author ?? null,
      parameterChanges: prev ? diffParameters(params(prev), params(r)) : [],
      schemaChanges: { added: [], removed: [] },
      inputChanges: prev ? await inputChangesBetween(db, prev.runId, r.runId) : { added: [], removed: [] },
    });
  }
  return entries;
}
