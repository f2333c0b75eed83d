import "server-only";
import { isRecord } from "@/lib/lineage/json";
import type { Queryable } from "./store/types";
import { projectFlag, splitFlagEvent } from "./flags-projection";
import { ColumnRows, fieldKeysOf, hasColumnFacets } from "./columns-projection";
import { hasProvenanceFacet, projectProvenance } from "./provenance-projection";
import { edgeKey, type EdgeKey } from "./edge-key";
import { runSteps } from "./store/sql-steps";
import { addToRows, allSettled, IdBlock, insertRows, insertRowsReturning, updateRows, updateRowsKeepingNulls } from "./store/rows";
import type { SqlValue } from "./store/types";
import type { DatasetVersion } from "./nodes";
import { nodeId } from "@/lib/lineage/node-id";
import { type DatasetKind, type RunParameter, type RunState } from "@/lib/lineage/types";
import { asCanonicalParse, canonicalJson, hasSameCanonical } from "@/lib/schemas/canonical";
import type { EventKind } from "@/lib/schemas/openlineage";
import { readFacets, readFailureReasons, type FailedCheck, type FailureReason } from "@/lib/schemas/columns";
import {
  readChangeFacet,
  readEvaluationFacet,
  readGenerationFacet,
  readProvenanceFacet,
} from "@/lib/schemas/threadline-facets";

/**
 * The projection: jobs, runs, datasets, dataset versions, run inputs/outputs and the edges of both
 * graphs, derived from the event log. `projectEvent` is the only writer, called in the same
 * transaction that appends the event, and again in order by `rebuild` — so the projection is a pure
 * function of the log.
 *
 * OpenLineage semantics followed here: all events of a runId add up; a facet re-sent under the same
 * name replaces the old one; COMPLETE / FAIL / ABORT end a run (and an ended run does not go back to
 * RUNNING when a late START arrives); FAIL carries the errorMessage facet; `parent` links child runs.
 */

type Facets = Record<string, unknown>;

export interface ProjectableDataset {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}

export interface ProjectableEvent {
  eventType?: string;
  eventTime: string;
  run?: { runId: string; facets?: Facets };
  job?: { namespace: string; name: string; facets?: Facets };
  dataset?: ProjectableDataset;
  inputs?: ProjectableDataset[];
  outputs?: ProjectableDataset[];
}


/** Version label for an input whose producer named no version and whose dataset has none yet. */
export const UNVERSIONED = "unversioned";

const TERMINAL: ReadonlySet<RunState> = new Set(["COMPLETED", "FAILED", "ABORTED"]);

/** Already the form toUtc returns, with a day and hour every month and day have (29-31 and 24:00 roll over). */
const PLAIN_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** ISO-8601 UTC, so string order is time order. */
export function toUtc(time: string): string {
  // Most producers send this form already: answering it as it is spares a Date per event.
  if (PLAIN_UTC.test(time)) return time;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString();
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * Later facets replace earlier ones of the same name. Stored canonical (sorted keys), so the live
 * projection and a replay of the log write the same text whatever key order a producer used.
 */
function mergeFacets(current: string | null | undefined, next: Facets | undefined): string {
  if (!next || Object.keys(next).length === 0) return current ?? "{}";
  return canonicalJson({ ...readFacets(current), ...next });
}

/**
 * mergeFacets plus the parsed result, reusing the parse of the current facets: with the row cache,
 * a job or dataset whose facets arrive again unchanged costs one canonicalJson, not two parses.
 * `parsed` objects are shared between events of a batch: read them, never change them.
 */
function mergeParsed(current: { facets: string; parsed?: Facets } | undefined, next: Facets | undefined): { facets: string; parsed: Facets } {
  if (!next || Object.keys(next).length === 0) {
    const facets = current?.facets ?? "{}";
    return { facets, parsed: current?.parsed ?? readFacets(facets) };
  }
  // Most events re-send the facets their job or dataset already has: when every one of them has
  // the canonical text of the stored one, the merged text is the stored text (which Threadline
  // wrote canonically, WRITTEN_CANONICAL), so neither is written out again nor parsed.
  if (current?.parsed && isWrittenCanonical(current.parsed) && everyFacetStored(next, current.parsed)) return { facets: current.facets, parsed: current.parsed };
  const base = current ? (current.parsed ?? readFacets(current.facets)) : {};
  const merged = { ...base, ...next };
  const facets = canonicalJson(merged);
  // The same text as stored: `base` is its parse already (a row read from the database is parsed
  // once, not twice), and the text is now known to be canonical. Else the merged facets stand for
  // their text's parse when they are what it would give back (most producers' facets are): no
  // second copy of them held for the rest of the batch.
  const parsed = current && facets === current.facets ? base : ((asCanonicalParse(merged) as Facets | undefined) ?? readFacets(facets));
  WRITTEN_CANONICAL.add(parsed);
  return { facets, parsed };
}

/**
 * Parsed facets whose text (the `facets` cached beside them) is canonicalJson's own output, so the
 * canonical text of the object is that text. A stored row read from the database is not known to
 * be (a column edited by hand): its first change is written out in full, as before.
 */
const WRITTEN_CANONICAL = new WeakSet<Facets>();

function isWrittenCanonical(parsed: Facets): boolean {
  return WRITTEN_CANONICAL.has(parsed);
}

/** Every facet of `next` is already in `stored` with the same canonical text. */
function everyFacetStored(next: Facets, stored: Facets): boolean {
  for (const name in next) {
    if (!Object.prototype.hasOwnProperty.call(next, name)) continue;
    if (!Object.prototype.hasOwnProperty.call(stored, name) || !hasSameCanonical(next[name], stored[name])) return false;
  }
  return true;
}

interface CachedJob {
  facets: string;
  parsed?: Facets;
  latestRunId: string | null;
}
interface CachedDataset {
  nodeId: number;
  facets: string;
  parsed?: Facets;
  latestVersionKey: string | null;
}
interface CachedVersion extends VersionRow {
  parsed?: Facets;
}
interface CachedRun extends RunRow {
  parsed?: Facets;
}
interface RunDatasetRow {
  direction: string;
  datasetVersionKey: string;
  datasetKey: string;
  facets: string;
}

/** A RunDataset row as flushProjection writes it (RUN_DATASET_COLUMNS). */
type RunDatasetValues = [runId: string, direction: string, datasetVersionKey: string, datasetKey: string, facets: string];
const RUN_DATASET_COLUMNS = ["runId", "direction", "datasetVersionKey", "datasetKey", "facets"];

/**
 * One run's RunDataset rows, indexed by version and by dataset. A wide run (tens of thousands of
 * inputs in one event) looks a row up for every input it projects: a scan of a sorted array per
 * input made ingest quadratic (20,000 inputs: 4.3 s, 60,000: half a minute with the server
 * blocked); two maps keep it linear.
 */
class RunDatasets {
  /** `direction \0 datasetVersionKey` → row (the table's primary key within a run). */
  private readonly byVersion = new Map<string, RunDatasetRow>();
  /** `direction \0 datasetKey` → the row with the smallest version key, as a key-ordered scan finds it. */
  private readonly firstByDataset = new Map<string, RunDatasetRow>();

  constructor(rows: readonly RunDatasetRow[]) {
    for (const row of rows) this.upsert(row);
  }

  /** The first row (in key order) recorded for a dataset in one direction. */
  firstFor(direction: string, datasetKey: string): RunDatasetRow | undefined {
    return this.firstByDataset.get(`${direction}\0${datasetKey}`);
  }

  /**
   * Adds a row (kept as given: pass a row of its own), or replaces the facets of the row with the
   * same version. True when that row was there already (read from the database, or upserted before).
   */
  upsert(row: RunDatasetRow): boolean {
    const existing = this.byVersion.get(`${row.direction}\0${row.datasetVersionKey}`);
    if (existing) {
      existing.facets = row.facets;
      return true;
    }
    this.byVersion.set(`${row.direction}\0${row.datasetVersionKey}`, row);
    const datasetKey = `${row.direction}\0${row.datasetKey}`;
    const first = this.firstByDataset.get(datasetKey);
    if (!first || row.datasetVersionKey < first.datasetVersionKey) this.firstByDataset.set(datasetKey, row);
    return false;
  }

  /** The rows of one direction in key order. */
  inDirection(direction: string): RunDatasetRow[] {
    const rows = [...this.byVersion.values()].filter((r) => r.direction === direction);
    return rows.sort((a, b) => (a.datasetVersionKey < b.datasetVersionKey ? -1 : a.datasetVersionKey > b.datasetVersionKey ? 1 : 0));
  }
}

/**
 * The rows the projection read or wrote during one write transaction, so that a batch of events
 * reads each job, dataset, version and run once instead of several times per event (a hub dataset
 * is read by hundreds of runs; prefetchProjection reads a whole batch's rows in a few queries).
 * Rows are written through (at once, and the entry updated), except what nothing but the cache
 * reads back while projecting: new nodes (their ids drawn ahead, freshNodeId), jobs and datasets
 * (new, changed, or only their update time), runs, new dataset versions, edges, EventNode and
 * RunDataset rows, the jobs' latest runs and the datasets' latest versions, and the column
 * projection's rows (ColumnRows). Those wait in `pending`
 * (a hub dataset read by every event of a batch is written once, not a thousand times) and go out
 * many to a statement in `flushProjection`, which the transaction must call before it commits, or
 * the cache is cleared, or anything reads those columns from the database. Valid only inside the
 * transaction that created it — another connection may write between transactions — and only while
 * projectEvent is the only writer of these tables (projectFlag writes versions: projectEvent drops
 * the cached versions after it).
 */
export class ProjectionCache {
  /** Node key → id; null: known not to exist (the batch's reads found no row). */
  readonly nodeIds = new Map<string, number | null>();
  readonly jobs = new Map<string, CachedJob | null>();
  readonly datasets = new Map<string, CachedDataset | null>();
  readonly versions = new Map<string, CachedVersion | null>();
  readonly runs = new Map<string, CachedRun | null>();
  /** A run's RunDataset rows. */
  readonly runDatasets = new Map<string, RunDatasets>();
  /** The column projection's fields met in this transaction, and its rows until the flush. */
  readonly columns = new ColumnRows();
  /** Edges known to exist (edgeKey): inserting them again would change nothing. */
  readonly edges = new Set<EdgeKey>();
  /** Rows written to the cache only, until flushProjection. */
  readonly pending = {
    /** New nodes, their ids given by freshNodeId. */
    nodes: [] as [id: number, key: string, type: string, namespace: string, name: string, seq: number][],
    /** New runs as they stand (RUN_COLUMNS), and the runs already stored whose columns changed (RUN_UPDATED, keyed by runId). */
    newRuns: new Map<string, SqlValue[]>(),
    runUpdates: new Map<string, SqlValue[]>(),
    /** New dataset versions as they stand, by key. */
    newVersions: new Map<string, NewVersion>(),
    edges: [] as [sourceId: number, targetId: number, seq: number][],
    eventNodes: [] as [seq: number, nodeId: number][],
    /**
     * RunDataset rows by `runId \0 direction \0 datasetVersionKey`, as they stand (later facets
     * replace earlier ones): the rows no transaction stored yet, and the stored ones whose facets changed.
     */
    newRunDatasets: new Map<string, RunDatasetValues>(),
    runDatasetUpdates: new Map<string, RunDatasetValues>(),
    /** New jobs and datasets as they stand (ENTITY_COLUMNS), by key. */
    newJobs: new Map<string, SqlValue[]>(),
    newDatasets: new Map<string, SqlValue[]>(),
    /** Jobs and datasets already stored whose facets changed: key, then ENTITY_CHANGING's values. */
    jobUpdates: new Map<string, SqlValue[]>(),
    datasetUpdates: new Map<string, SqlValue[]>(),
    /** Job and dataset key → updatedAt, for stored rows whose other columns did not change. */
    jobTimes: new Map<string, string>(),
    datasetTimes: new Map<string, string>(),
    /** Job key → latestRunId; dataset key → latestVersionKey. */
    latestRuns: new Map<string, string>(),
    latestVersions: new Map<string, string>(),
  };

  /**
   * False once rows this cache read or wrote were dropped from it (the versions after a flag, or
   * everything by `clear`): it no longer records all its transaction wrote, so a batch cannot be
   * projected from it before that transaction commits (lib/server/ingest-batches.ts).
   */
  isWhole = true;

  /** Ids of new nodes, drawn ahead (their rows wait in `pending.nodes`). */
  readonly nodeIdBlock = new IdBlock("Node");

  /** An id for a new node, without inserting it: its row waits in `pending.nodes`. */
  freshNodeId(db: Queryable): Promise<number> {
    return this.nodeIdBlock.next(db);
  }

  private get pendingRows(): number {
    const p = this.pending;
    return p.nodes.length + p.newRuns.size + p.runUpdates.size + p.newVersions.size + p.edges.length + p.eventNodes.length + p.newRunDatasets.size + p.runDatasetUpdates.size + p.newJobs.size + p.newDatasets.size + p.jobUpdates.size + p.datasetUpdates.size + p.jobTimes.size + p.datasetTimes.size + p.latestRuns.size + p.latestVersions.size + this.columns.pendingRows;
  }

  get hasPendingWrites(): boolean {
    return this.pendingRows > 0;
  }

  /** Entries held, to bound memory on long replays. */
  get size(): number {
    return this.nodeIds.size + this.jobs.size + this.datasets.size + this.versions.size + this.runs.size + this.runDatasets.size + this.columns.size + this.edges.size + this.pendingRows;
  }

  /** Forgets every entry; flushProjection first, or the pending rows would be lost. */
  clear(): void {
    if (this.hasPendingWrites) throw new Error("ProjectionCache cleared before its pending rows were flushed");
    this.isWhole = false;
    this.nodeIds.clear();
    this.jobs.clear();
    this.datasets.clear();
    this.versions.clear();
    this.runs.clear();
    this.runDatasets.clear();
    this.columns.clear();
    this.edges.clear();
  }
}

/** The dataset kind a GenAI user thinks in, from the datasetType facet. */
export function datasetKindOf(facets: Facets): DatasetKind {
  const type = isRecord(facets.datasetType) ? str(facets.datasetType.datasetType)?.toUpperCase() : null;
  switch (type) {
    case "MODEL":
      return "model";
    case "PROMPT":
      return "prompt";
    case "OUTPUT":
    case "GENERATED":
      return "output";
    case "EVAL":
    case "EVALUATION":
    case "REPORT":
      return "eval";
    case undefined:
    case null:
      // No declared type: generated data is an output; anything else is data.
      return facets.threadline_synthetic !== undefined ? "output" : "data";
    default:
      return "data";
  }
}

export function stateOf(eventType: string | undefined): RunState {
  switch (eventType) {
    case "COMPLETE":
      return "COMPLETED";
    case "FAIL":
      return "FAILED";
    case "ABORT":
      return "ABORTED";
    case "START":
    case "RUNNING":
      return "RUNNING";
    default:
      return "OTHER";
  }
}

/** Parameters of a run, from executionParameters and the threadline_generation facet. */
export function runParametersOf(facets: Facets): RunParameter[] {
  const params: RunParameter[] = [];
  // top_p, topP and top-p are one parameter: the first source to name it wins.
  const seen = new Set<string>();
  const add = (key: string, value: unknown, source: string) => {
    const normalised = key.toLowerCase().replace(/[_\-\s.]/g, "");
    if (seen.has(normalised) || value === undefined || value === null) return;
    seen.add(normalised);
    params.push({ key, value: typeof value === "string" ? value : JSON.stringify(value), source });
  };
  const exec = facets.executionParameters;
  if (isRecord(exec) && Array.isArray(exec.parameters)) {
    for (const p of exec.parameters) {
      if (isRecord(p) && typeof p.key === "string") add(p.key, p.value, "executionParameters");
    }
  }
  const gen = readGenerationFacet(facets);
  if (gen) {
    add("model", gen.model, "threadline_generation");
    add("prompt_version", gen.promptVersion, "threadline_generation");
    add("seed", gen.seed, "threadline_generation");
    for (const [k, v] of Object.entries(gen.sampling ?? {})) add(k, v, "threadline_generation");
  }
  return params;
}

/** Checks a run reports as failing about its inputs: threadline_evaluation, test, dataQualityAssertions. */
export function failedChecksOf(runFacets: Facets, inputFacets: Facets = {}): FailedCheck[] {
  const failed: FailedCheck[] = [];
  const evaluation = readEvaluationFacet(runFacets);
  if (evaluation) {
    for (const c of evaluation.checks) {
      if (!c.passed) {
        const detail = c.value !== null && c.threshold !== null ? ` (${c.metric ?? "value"} ${c.value}, threshold ${c.threshold})` : "";
        failed.push({ check: c.name, message: c.message ?? `check ${c.name} failed${detail}` });
      }
    }
    if (evaluation.passed === false && failed.length === 0) failed.push({ check: "evaluation", message: "evaluation failed" });
  }
  const test = runFacets.test;
  if (isRecord(test) && Array.isArray(test.tests)) {
    for (const t of test.tests) {
      if (isRecord(t) && typeof t.status === "string" && /fail|error/i.test(t.status)) {
        failed.push({ check: str(t.name) ?? "test", message: str(t.message) ?? `test ${str(t.name) ?? ""} ${t.status}`.trim() });
      }
    }
  }
  const dqa = inputFacets.dataQualityAssertions;
  if (isRecord(dqa) && Array.isArray(dqa.assertions)) {
    for (const a of dqa.assertions) {
      if (isRecord(a) && a.success === false) {
        const name = str(a.assertion) ?? "assertion";
        failed.push({ check: name, message: `assertion ${name}${str(a.column) ? ` on ${a.column}` : ""} failed` });
      }
    }
  }
  return failed;
}

interface RunRow {
  nodeId: number;
  state: RunState;
  startedAt: string | null;
  endedAt: string | null;
  facets: string;
  jobKey: string;
}

interface DatasetRow {
  nodeId: number;
  facets: string;
  latestVersionKey: string | null;
}

interface VersionRow {
  nodeId: number;
  createdAt: string;
  facets: string;
  isFailed: number;
  failureReasons: string;
}

/**
 * The projection's statements, written once for both backends (quoted names: PostgreSQL keeps
 * Prisma's camel case only inside quotes). Booleans are written as TRUE/FALSE literals or 0/1
 * parameters, which both read as their boolean.
 */
const SQL = {
  nodeId: `SELECT id FROM "Node" WHERE key = ?`,
  getJob: `SELECT facets, "latestRunId" FROM "Job" WHERE key = ?`,
  getRun: `SELECT "nodeId", state, "startedAt", "endedAt", facets, "jobKey" FROM "Run" WHERE "runId" = ?`,
  getDataset: `SELECT "nodeId", facets, "latestVersionKey" FROM "Dataset" WHERE key = ?`,
  getVersion: `SELECT "nodeId", "createdAt", facets, CASE WHEN "isFailed" THEN 1 ELSE 0 END AS "isFailed", "failureReasons"
               FROM "DatasetVersion" WHERE key = ?`,
  updateVersion: `UPDATE "DatasetVersion" SET "producedByRunId" = COALESCE(?, "producedByRunId"), reason = ?, "contentHash" = ?,
                         "isSynthetic" = ?, facets = ?, "updatedAt" = ?
                  WHERE key = ?`,
  setVersionFailure: `UPDATE "DatasetVersion" SET "isFailed" = TRUE, "failureReasons" = ? WHERE key = ?`,
  allRunDatasets: `SELECT direction, "datasetVersionKey", "datasetKey", facets FROM "RunDataset" WHERE "runId" = ?
                   ORDER BY direction, "datasetVersionKey"`,
} as const;

/** A DatasetVersion row waiting in ProjectionCache.pending (booleans as 0/1). */
type NewVersion = DatasetVersion & { nodeId: number; isSynthetic: number; isFailed: number };

const VERSION_COLUMNS: readonly (keyof NewVersion)[] = [
  "nodeId", "key", "datasetKey", "version", "producedByRunId", "reason", "contentHash", "isSynthetic", "isFailed", "failureReasons", "facets", "createdAt", "updatedAt",
];

/** A new Job or Dataset row, in the order the pending rows hold it (its latest run or version is added at the flush, withLatest). */
const ENTITY_COLUMNS = ["nodeId", "key", "namespace", "name", "kind", "description", "facets", "createdAt", "updatedAt"];
/**
 * The columns a changed job's or dataset's facets rewrite. A row whose facets did not change moves
 * only its updatedAt (pending.jobTimes): the search index's triggers fire on these columns, and
 * re-indexing a row that did not change costs more than the rest of its event.
 */
const ENTITY_CHANGING = ["kind", "description", "facets", "updatedAt"];

/** The columns of a Run every event of the run may change, in the order the pending rows hold them. */
const RUN_CHANGING = ["state", "startedAt", "endedAt", "nominalTime", "parentRunId", "errorMessage", "stackTrace", "parameters", "failedChecks", "reason", "facets", "jobFacets", "updatedAt"];

/** The same rows as SQL's single-row reads, for many keys at once (bound as one JSON array). */
const MANY = {
  nodes: (keys: string) => `SELECT key, id FROM "Node" WHERE key IN ${keys}`,
  jobs: (keys: string) => `SELECT key, facets, "latestRunId" FROM "Job" WHERE key IN ${keys}`,
  datasets: (keys: string) => `SELECT key, "nodeId", facets, "latestVersionKey" FROM "Dataset" WHERE key IN ${keys}`,
  runs: (keys: string) => `SELECT "runId", "nodeId", state, "startedAt", "endedAt", facets, "jobKey" FROM "Run" WHERE "runId" IN ${keys}`,
  runDatasets: (keys: string) => `SELECT "runId", direction, "datasetVersionKey", "datasetKey", facets FROM "RunDataset" WHERE "runId" IN ${keys}
                                  ORDER BY "runId", direction, "datasetVersionKey"`,
  versions: (keys: string) => `SELECT key, "nodeId", "createdAt", facets, CASE WHEN "isFailed" THEN 1 ELSE 0 END AS "isFailed", "failureReasons"
                               FROM "DatasetVersion" WHERE key IN ${keys}`,
} as const;

/** Keys bound to one statement of MANY (a wide event names tens of thousands). */
const KEYS_PER_READ = 5_000;

/**
 * Reads into `cache`, one query per table (a few more for very many keys), every stored row the
 * projection of `events` will look up: their nodes, jobs, datasets, runs with their RunDataset rows,
 * the versions they name or write, the datasets' latest versions and the jobs' latest runs, and the
 * ids of the fields their column facets name (ColumnRows.prefetch). A key with no row is cached
 * as absent. Without this, each event read its rows one statement at a time
 * (on PostgreSQL a round trip each, under the log's lock); rows it misses are still read one by
 * one. Call inside the append transaction, before projecting the events.
 */
export async function prefetchProjection(db: Queryable, cache: ProjectionCache, events: readonly ProjectableEvent[]): Promise<void> {
  const nodes = new Set<string>();
  const jobs = new Set<string>();
  const datasets = new Set<string>();
  const runs = new Set<string>();
  const versions = new Set<string>();
  const fields: string[] = [];
  const dataset = (d: ProjectableDataset, producedBy?: string) => {
    if (typeof d?.namespace !== "string" || typeof d.name !== "string") return;
    if (hasColumnFacets(d.facets)) fields.push(...fieldKeysOf(d, d.facets ?? {}));
    const key = nodeId.dataset(d.namespace, d.name);
    nodes.add(key);
    datasets.add(key);
    const version = versionFacetOf(d.facets) ?? producedBy;
    if (version) {
      const versionKey = nodeId.datasetVersion(d.namespace, d.name, version);
      nodes.add(versionKey);
      versions.add(versionKey);
    }
  };
  for (const event of events) {
    if (event.dataset) dataset(event.dataset);
    if (event.job) {
      const key = nodeId.job(event.job.namespace, event.job.name);
      nodes.add(key);
      jobs.add(key);
    }
    const runId = event.run?.runId;
    if (runId) {
      nodes.add(nodeId.run(runId));
      runs.add(runId);
    }
    for (const d of event.inputs ?? []) dataset(d);
    for (const d of event.outputs ?? []) dataset(d, runId);
  }
  const read = async <T>(sql: (keys: string) => string, keys: Iterable<string>, known: Map<string, unknown>, onRows: (rows: T[]) => void): Promise<string[]> => {
    const wanted = [...keys].filter((k) => !known.has(k));
    for (let at = 0; at < wanted.length; at += KEYS_PER_READ) {
      onRows(await db.all<T>(sql(db.dialect.jsonValues("text")), [JSON.stringify(wanted.slice(at, at + KEYS_PER_READ))]));
    }
    return wanted;
  };
  const absent = (wanted: readonly string[], map: Map<string, unknown>) => {
    for (const key of wanted) if (!map.has(key)) map.set(key, null);
  };

  const nodesRead = await read<{ key: string; id: number }>(MANY.nodes, nodes, cache.nodeIds, (rows) => {
    for (const r of rows) cache.nodeIds.set(r.key, Number(r.id));
  });
  absent(nodesRead, cache.nodeIds);
  await cache.nodeIdBlock.reserve(db, nodesRead.filter((key) => cache.nodeIds.get(key) === null).length);
  absent(await read<CachedJob & { key: string }>(MANY.jobs, jobs, cache.jobs, (rows) => {
    for (const { key, ...job } of rows) cache.jobs.set(key, job);
  }), cache.jobs);
  absent(await read<CachedDataset & { key: string }>(MANY.datasets, datasets, cache.datasets, (rows) => {
    for (const { key, ...d } of rows) cache.datasets.set(key, d);
  }), cache.datasets);
  // The runs a job's latest run is compared with.
  for (const job of cache.jobs.values()) if (job?.latestRunId) runs.add(job.latestRunId);
  const runsRead = await read<CachedRun & { runId: string }>(MANY.runs, runs, cache.runs, (rows) => {
    for (const { runId, ...run } of rows) cache.runs.set(runId, run);
  });
  absent(runsRead, cache.runs);
  const runDatasets = new Map<string, RunDatasetRow[]>();
  await read<RunDatasetRow & { runId: string }>(MANY.runDatasets, runsRead, cache.runDatasets, (rows) => {
    for (const { runId, ...row } of rows) {
      let list = runDatasets.get(runId);
      if (!list) runDatasets.set(runId, (list = []));
      list.push(row);
    }
  });
  for (const runId of runsRead) if (!cache.runDatasets.has(runId)) cache.runDatasets.set(runId, new RunDatasets(runDatasets.get(runId) ?? []));
  // The versions an input without a named version resolves to: recorded by its run, else its dataset's latest.
  for (const d of cache.datasets.values()) if (d?.latestVersionKey) versions.add(d.latestVersionKey);
  for (const rows of runDatasets.values()) for (const r of rows) if (r.direction === "input") versions.add(r.datasetVersionKey);
  absent(await read<CachedVersion & { key: string }>(MANY.versions, versions, cache.versions, (rows) => {
    for (const { key, ...v } of rows) cache.versions.set(key, v);
  }), cache.versions);
  await cache.columns.prefetch(db, fields);
}

/**
 * Applies one validated event to the projection. Call inside the transaction that logged it; pass
 * one ProjectionCache to every event of that transaction (and to no other transaction), and call
 * flushProjection with it before the transaction commits. Without a cache, the event's rows are
 * written before this returns.
 */
export async function projectEvent(db: Queryable, seq: number, kind: EventKind, event: ProjectableEvent, cache?: ProjectionCache): Promise<void> {
  const c = cache ?? new ProjectionCache();
  // A flag (threadline_flag on a DatasetEvent) is projected into Flag, not into the dataset's facets.
  const flagged = splitFlagEvent(kind, event);
  await new Projector(db, c, seq, toUtc(event.eventTime)).apply(kind, flagged?.event ?? event);
  if (flagged?.flag) {
    // projectFlag reads datasets' latest versions from the database.
    await flushProjection(db, c);
    await projectFlag(db, seq, flagged.flag);
    c.versions.clear();
    c.isWhole = false;
  }
  if (!cache) await flushProjection(db, c);
}

/**
 * Writes the rows projectEvent left pending in `cache` (see ProjectionCache), a few hundred to a
 * statement: on PostgreSQL each statement is a round trip under the log's lock. `onSent` once every
 * statement is sent and the cache holds no pending rows (the cache may take the next batch's then).
 */
export async function flushProjection(db: Queryable, cache: ProjectionCache, onSent?: () => void): Promise<void> {
  const { pending } = cache;
  // Edges before nodes (no key refers from one to the other): the batch's new nodes are inserted
  // with the counts of their stored edges, and only nodes stored before have theirs updated. A row
  // updated in the transaction that inserted it costs a second copy of it on PostgreSQL.
  const counts = countEdges(await insertRowsReturning<EdgeEnds>(db, "Edge", ["sourceId", "targetId", "seq"], pending.edges, `ON CONFLICT DO NOTHING RETURNING "sourceId" AS "s", "targetId" AS "t"`));
  const nodes = pending.nodes.map((row) => {
    const [, up = 0, down = 0] = counts.get(row[0]) ?? [];
    counts.delete(row[0]);
    return [...row, up, down];
  });
  // The rest is sent at once and awaited together: no statement below reads what another writes,
  // and each is sent (its rows serialised) in this order before the first is awaited. On PostgreSQL
  // they are pipelined, one round trip for all; the pending rows are cleared as soon as they are sent.
  const jobs = withLatest(pending.newJobs, pending.jobTimes, pending.latestRuns);
  const datasets = withLatest(pending.newDatasets, pending.datasetTimes, pending.latestVersions);
  const sent: Promise<unknown>[] = [
    insertRows(db, "Node", ["id", "key", "type", "namespace", "name", "seq", "upstreamCount", "downstreamCount"], nodes),
    addToRows(db, "Node", "id", ["upstreamCount", "downstreamCount"], [...counts.values()]),
    insertRows(db, "Job", [...ENTITY_COLUMNS, "latestRunId"], jobs.inserted),
    insertRows(db, "Dataset", [...ENTITY_COLUMNS, "latestVersionKey"], datasets.inserted),
    updateRows(db, "Job", "key", ENTITY_CHANGING, [...pending.jobUpdates.values()]),
    updateRows(db, "Dataset", "key", ENTITY_CHANGING, [...pending.datasetUpdates.values()]),
    insertRows(db, "Run", ["nodeId", "runId", "jobKey", "createdAt", ...RUN_CHANGING], [...pending.newRuns.values()]),
    updateRows(db, "Run", "runId", RUN_CHANGING, [...pending.runUpdates.values()]),
    insertRows(db, "DatasetVersion", VERSION_COLUMNS, [...pending.newVersions.values()].map((v) => VERSION_COLUMNS.map((c) => v[c]))),
    // No conflict clause: the rows' seqs are this batch's new events and each Projector records a
    // node once, so none can exist. ON CONFLICT made PostgreSQL insert each row speculatively (a
    // check of the key's index first, a confirmation in the WAL after): a third of the table's CPU.
    insertRows(db, "EventNode", ["seq", "nodeId"], pending.eventNodes),
    // New rows without a conflict clause, for the reason EventNode's go without one: the cache holds
    // every stored row of their runs (RunDatasets), so none can exist. The few stored rows whose facets
    // changed (a run's later event in a later batch) keep the clause, which updates them.
    insertRows(db, "RunDataset", RUN_DATASET_COLUMNS, [...pending.newRunDatasets.values()]),
    insertRows(db, "RunDataset", RUN_DATASET_COLUMNS, [...pending.runDatasetUpdates.values()], `ON CONFLICT ("runId", direction, "datasetVersionKey") DO UPDATE SET facets = excluded.facets`),
    // After the facets' updates above, whose updatedAt an unchanged row's later event moves on.
    updateRowsKeepingNulls(db, "Job", "key", ["updatedAt", "latestRunId"], jobs.touched),
    updateRowsKeepingNulls(db, "Dataset", "key", ["updatedAt", "latestVersionKey"], datasets.touched),
    cache.columns.flush(db),
  ];
  pending.nodes = [];
  pending.edges = [];
  pending.eventNodes = [];
  for (const map of [pending.newJobs, pending.newDatasets, pending.jobUpdates, pending.datasetUpdates, pending.newRuns, pending.runUpdates, pending.newVersions, pending.newRunDatasets, pending.runDatasetUpdates, pending.jobTimes, pending.datasetTimes, pending.latestRuns, pending.latestVersions]) map.clear();
  onSent?.();
  await allSettled(sent);
}

/**
 * A batch's new jobs (or datasets) with their latest run (or version) as a last column, and the
 * stored ones' `[key, updatedAt, latest]` (null: unchanged): each row written once a batch. Set in
 * separate statements, a stored row was updated twice and a new one inserted then updated, each a
 * further copy of the row (its facets too) on PostgreSQL.
 */
function withLatest(inserts: ReadonlyMap<string, SqlValue[]>, times: ReadonlyMap<string, string>, latest: ReadonlyMap<string, string>) {
  const inserted = [...inserts].map(([key, row]) => [...row, latest.get(key) ?? null]);
  const touched: SqlValue[][] = [...times].map(([key, time]) => [key, time, latest.get(key) ?? null]);
  for (const [key, value] of latest) if (!inserts.has(key) && !times.has(key)) touched.push([key, null, value]);
  return { inserted, touched };
}

interface EdgeEnds {
  s: number;
  t: number;
}

/**
 * What the edges just inserted add to their ends' counts (Node.upstreamCount, downstreamCount), one
 * row per node touched: the counts stay equal to the Edge rows whichever way the edges came (a live
 * event, a batch, a replay), because an edge is counted exactly when it is stored.
 */
function countEdges(added: readonly EdgeEnds[]): Map<number, [id: number, up: number, down: number]> {
  const counts = new Map<number, [id: number, up: number, down: number]>();
  const of = (id: number) => {
    let c = counts.get(id);
    if (!c) counts.set(id, (c = [id, 0, 0]));
    return c;
  };
  for (const { s, t } of added) {
    of(t)[1]++;
    of(s)[2]++;
  }
  return counts;
}

class Projector {
  /** Nodes this event already recorded in EventNode. */
  private readonly touched = new Set<number>();

  constructor(
    private readonly db: Queryable,
    private readonly c: ProjectionCache,
    private readonly seq: number,
    private readonly time: string,
  ) {}

  async apply(kind: EventKind, event: ProjectableEvent): Promise<void> {
    if (kind === "DatasetEvent" && event.dataset) {
      const { key } = await this.upsertDataset(event.dataset);
      const version = versionFacetOf(event.dataset.facets);
      if (version) await this.upsertVersion(event.dataset, key, version, null);
      return;
    }
    if (!event.job) return;
    const job = await this.upsertJob(event.job);
    const inputs: { d: ProjectableDataset; key: string; nodeId: number }[] = [];
    for (const d of event.inputs ?? []) inputs.push(await this.upsertDataset(d));
    const outputs: { d: ProjectableDataset; key: string; nodeId: number }[] = [];
    for (const d of event.outputs ?? []) outputs.push(await this.upsertDataset(d));
    for (const i of inputs) this.edge(i.nodeId, job.nodeId);
    for (const o of outputs) this.edge(job.nodeId, o.nodeId);
    if (kind === "RunEvent" && event.run) await this.applyRun(event, event.run, job, inputs, outputs);
  }

  private async node(key: string, type: string, namespace: string, name: string): Promise<number> {
    let id = this.c.nodeIds.get(key);
    if (id === undefined) id = (await this.db.get<{ id: number }>(SQL.nodeId, [key]))?.id ?? null;
    if (id === null) {
      id = await this.c.freshNodeId(this.db);
      this.c.pending.nodes.push([id, key, type, namespace, name, this.seq]);
    }
    this.c.nodeIds.set(key, id);
    return this.touch(id);
  }

  private touch(id: number): number {
    if (!this.touched.has(id)) {
      this.touched.add(id);
      this.c.pending.eventNodes.push([this.seq, id]);
    }
    return id;
  }

  private edge(source: number, target: number): void {
    const key = edgeKey(source, target);
    if (this.c.edges.has(key)) return;
    this.c.pending.edges.push([source, target, this.seq]);
    this.c.edges.add(key);
  }

  private async job(key: string): Promise<CachedJob | undefined> {
    let job = this.c.jobs.get(key);
    if (job === undefined) this.c.jobs.set(key, (job = (await this.db.get<CachedJob>(SQL.getJob, [key])) ?? null));
    return job ?? undefined;
  }

  private async dataset(key: string): Promise<CachedDataset | undefined> {
    let dataset = this.c.datasets.get(key);
    if (dataset === undefined) this.c.datasets.set(key, (dataset = (await this.db.get<DatasetRow>(SQL.getDataset, [key])) ?? null));
    return dataset ?? undefined;
  }

  private async version(key: string): Promise<CachedVersion | undefined> {
    let version = this.c.versions.get(key);
    if (version === undefined) this.c.versions.set(key, (version = (await this.db.get<VersionRow>(SQL.getVersion, [key])) ?? null));
    return version ?? undefined;
  }

  private async run(runId: string): Promise<CachedRun | undefined> {
    let run = this.c.runs.get(runId);
    if (run === undefined) this.c.runs.set(runId, (run = (await this.db.get<RunRow>(SQL.getRun, [runId])) ?? null));
    return run ?? undefined;
  }

  private async runDatasets(runId: string): Promise<RunDatasets> {
    let rows = this.c.runDatasets.get(runId);
    if (!rows) this.c.runDatasets.set(runId, (rows = new RunDatasets(await this.db.all<RunDatasetRow>(SQL.allRunDatasets, [runId]))));
    return rows;
  }

  /** The first row (in key order) a run recorded for a dataset in one direction, as runDatasetFor. */
  private async runDatasetFor(runId: string, direction: string, datasetKey: string): Promise<RunDatasetRow | undefined> {
    return (await this.runDatasets(runId)).firstFor(direction, datasetKey);
  }

  /**
   * Records a run's RunDataset row as this event leaves it, for flushProjection: a row no transaction
   * stored yet waits to be inserted; a stored one (its run's rows are all in the cache) to be updated.
   */
  private async upsertRunDataset(row: RunDatasetRow & { runId: string }): Promise<void> {
    const key = `${row.runId}\0${row.direction}\0${row.datasetVersionKey}`;
    const values: RunDatasetValues = [row.runId, row.direction, row.datasetVersionKey, row.datasetKey, row.facets];
    const { newRunDatasets, runDatasetUpdates } = this.c.pending;
    const isKnown = (await this.runDatasets(row.runId)).upsert({ direction: row.direction, datasetVersionKey: row.datasetVersionKey, datasetKey: row.datasetKey, facets: row.facets });
    if (!isKnown || newRunDatasets.has(key)) newRunDatasets.set(key, values);
    else runDatasetUpdates.set(key, values);
  }

  /**
   * Records a job's or dataset's row as this event leaves it, for flushProjection: a row this batch
   * inserts changes in memory; a stored one gets its changed columns, or, when its facets did not
   * change, only its update time. `row` is ENTITY_COLUMNS without the times.
   */
  private setEntity(
    pending: { inserts: Map<string, SqlValue[]>; updates: Map<string, SqlValue[]>; times: Map<string, string> },
    existing: { facets: string } | undefined,
    row: [nodeId: number, key: string, namespace: string, name: string, kind: string | null, description: string | null, facets: string],
  ): void {
    const [, key, , , kind, description, facets] = row;
    const inserting = pending.inserts.get(key);
    if (inserting) inserting.splice(4, 5, kind, description, facets, inserting[7]!, this.time);
    else if (!existing) pending.inserts.set(key, [...row, this.time, this.time]);
    // Kind and description derive from the facets: the same facets text means the same row.
    else if (existing.facets === facets) pending.times.set(key, this.time);
    else {
      pending.updates.set(key, [key, kind, description, facets, this.time]);
      pending.times.delete(key);
    }
  }

  private async upsertJob(job: NonNullable<ProjectableEvent["job"]>): Promise<{ key: string; nodeId: number; facets: string }> {
    const key = nodeId.job(job.namespace, job.name);
    const id = await this.node(key, "job", job.namespace, job.name);
    const existing = await this.job(key);
    const { facets, parsed: merged } = mergeParsed(existing, job.facets);
    const kind = isRecord(merged.jobType) ? (str(merged.jobType.jobType)?.toLowerCase() ?? null) : null;
    const description = isRecord(merged.documentation) ? str(merged.documentation.description) : null;
    const { newJobs: inserts, jobUpdates: updates, jobTimes: times } = this.c.pending;
    this.setEntity({ inserts, updates, times }, existing, [id, key, job.namespace, job.name, kind, description, facets]);
    this.c.jobs.set(key, { facets, parsed: merged, latestRunId: existing?.latestRunId ?? null });
    return { key, nodeId: id, facets };
  }

  private async upsertDataset(d: ProjectableDataset): Promise<{ d: ProjectableDataset; key: string; nodeId: number }> {
    const key = nodeId.dataset(d.namespace, d.name);
    const id = await this.node(key, "dataset", d.namespace, d.name);
    const existing = await this.dataset(key);
    // A version facet describes one version, not the dataset: keep it off the dataset's own facets.
    const { version: _version, ...datasetFacets } = d.facets ?? {};
    if (existing && existing.parsed === undefined && Object.keys(datasetFacets).length === 0) {
      // A dataset stored before this batch, named without facets (most inputs): only its update
      // time moves, as setEntity would record it, and its stored facets need no parse.
      this.c.pending.datasetTimes.set(key, this.time);
      return { d, key, nodeId: id };
    }
    const { facets, parsed: merged } = mergeParsed(existing, datasetFacets);
    const kind = datasetKindOf(merged);
    const description = isRecord(merged.documentation) ? str(merged.documentation.description) : null;
    const { newDatasets: inserts, datasetUpdates: updates, datasetTimes: times } = this.c.pending;
    this.setEntity({ inserts, updates, times }, existing, [id, key, d.namespace, d.name, kind, description, facets]);
    this.c.datasets.set(key, { nodeId: id, facets, parsed: merged, latestVersionKey: existing?.latestVersionKey ?? null });
    return { d, key, nodeId: id };
  }

  private async upsertVersion(
    d: ProjectableDataset,
    datasetKey: string,
    version: string,
    producedByRunId: string | null,
  ): Promise<{ key: string; nodeId: number }> {
    const key = nodeId.datasetVersion(d.namespace, d.name, version);
    const id = await this.node(key, "datasetVersion", d.namespace, d.name);
    const existing = await this.version(key);
    const { facets, parsed: merged } = mergeParsed(existing, d.facets);
    const reason = readChangeFacet(merged)?.reason ?? null;
    const contentHash = readProvenanceFacet(merged)?.contentHash ?? null;
    const isSynthetic = merged.threadline_synthetic !== undefined ? 1 : 0;
    if (existing) {
      // A version this batch created is still pending: its row changes in memory.
      const inserting = this.c.pending.newVersions.get(key);
      if (inserting) {
        Object.assign(inserting, { producedByRunId: producedByRunId ?? inserting.producedByRunId, reason, contentHash, isSynthetic, facets, updatedAt: this.time });
      } else await this.db.run(SQL.updateVersion, [producedByRunId, reason, contentHash, isSynthetic, facets, this.time, key]);
      this.c.versions.set(key, { ...existing, facets, parsed: merged });
    } else {
      this.c.pending.newVersions.set(key, {
        nodeId: id, key, datasetKey, version, producedByRunId, reason, contentHash, isSynthetic, isFailed: 0, failureReasons: "[]", facets, createdAt: this.time, updatedAt: this.time,
      });
      this.c.versions.set(key, { nodeId: id, createdAt: this.time, facets, parsed: merged, isFailed: 0, failureReasons: "[]" });
      const dataset = await this.dataset(datasetKey);
      const latest = dataset?.latestVersionKey ? await this.version(dataset.latestVersionKey) : undefined;
      if (!latest || latest.createdAt <= this.time) {
        this.c.pending.latestVersions.set(datasetKey, key);
        if (dataset) dataset.latestVersionKey = key;
      }
    }
    if (hasColumnFacets(d.facets)) {
      const target = { namespace: d.namespace, name: d.name, datasetKey, versionKey: key, runId: producedByRunId };
      // A version still pending has no schema in the database to delete.
      await this.c.columns.project(this.db, this.seq, target, d.facets ?? {}, { isStored: !this.c.pending.newVersions.has(key) });
    }
    if (hasProvenanceFacet(d.facets)) {
      await runSteps(this.db, projectProvenance(this.seq, { namespace: d.namespace, versionKey: key }, d.facets ?? {}));
    }
    return { key, nodeId: id };
  }

  private async applyRun(
    event: ProjectableEvent,
    run: NonNullable<ProjectableEvent["run"]>,
    job: { key: string; nodeId: number; facets: string },
    inputs: { d: ProjectableDataset; key: string; nodeId: number }[],
    outputs: { d: ProjectableDataset; key: string; nodeId: number }[],
  ): Promise<void> {
    const runKey = nodeId.run(run.runId);
    // A run node carries its job's namespace and name: that is how people recognise a run.
    const id = await this.node(runKey, "run", event.job?.namespace ?? "", event.job?.name ?? run.runId);
    const existing = await this.run(run.runId);
    const { facets, parsed: merged } = mergeParsed(existing, run.facets);
    const incoming = stateOf(event.eventType);
    const current = existing?.state;
    // An ended run stays ended; OTHER adds information without moving the state.
    const state: RunState =
      current && (TERMINAL.has(current) && !TERMINAL.has(incoming)) ? current
      : incoming === "OTHER" ? (current ?? "OTHER")
      : incoming;
    // START fixes the start time; without one, the first event seen stands in for it.
    const startedAt = event.eventType === "START" ? this.time : (existing?.startedAt ?? this.time);
    const endedAt = TERMINAL.has(incoming) ? this.time : (existing?.endedAt ?? null);
    const error = isRecord(merged.errorMessage) ? merged.errorMessage : null;
    const parent = isRecord(merged.parent) && isRecord(merged.parent.run) ? str(merged.parent.run.runId) : null;
    const nominal = isRecord(merged.nominalTime) ? str(merged.nominalTime.nominalStartTime) : null;

    // Inputs judged by this run's checks (an evaluation run fails what it evaluated).
    const inputVersions: { d: ProjectableDataset; key: string; nodeId: number; version: { key: string; nodeId: number } }[] = [];
    for (const i of inputs) inputVersions.push({ ...i, version: await this.resolveInputVersion(run.runId, i.d, i.key) });
    // Most inputs carry no inputFacets: then there is nothing to merge (and no copies to make).
    const checkInputFacets = inputs.some((i) => i.d.inputFacets) ? (Object.assign({}, ...inputs.map((i) => i.d.inputFacets ?? {})) as Facets) : {};
    const failedChecks = failedChecksOf(merged, checkInputFacets);

    const nominalTime = nominal ? toUtc(nominal) : null;
    const errorMessage = error ? str(error.message) : null;
    const stackTrace = error ? str(error.stackTrace) : null;
    const parameters = JSON.stringify(runParametersOf(merged));
    const failedChecksText = JSON.stringify(failedChecks);
    const reason = readChangeFacet(merged)?.reason ?? null;
    // RUN_CHANGING's order. The row goes out in flushProjection: nothing reads it back before.
    const changing: SqlValue[] = [state, startedAt, endedAt, nominalTime, parent, errorMessage, stackTrace, parameters, failedChecksText, reason, facets, job.facets, this.time];
    const inserting = this.c.pending.newRuns.get(run.runId);
    if (inserting) inserting.splice(4, changing.length, ...changing);
    else if (existing) this.c.pending.runUpdates.set(run.runId, [run.runId, ...changing]);
    else this.c.pending.newRuns.set(run.runId, [id, run.runId, job.key, this.time, ...changing]);
    this.c.runs.set(run.runId, { nodeId: id, state, startedAt, endedAt, facets, parsed: merged, jobKey: existing?.jobKey ?? job.key });
    await this.updateLatestRun(job.key, run.runId, startedAt);

    for (const i of inputVersions) {
      await this.upsertRunDataset({
        runId: run.runId,
        direction: "input",
        datasetVersionKey: i.version.key,
        datasetKey: i.key,
        facets: mergeFacets((await this.runDatasetFor(run.runId, "input", i.key))?.facets, i.d.inputFacets),
      });
      this.edge(i.version.nodeId, id);
    }
    for (const o of outputs) {
      const version = versionFacetOf(o.d.facets) ?? run.runId;
      const v = await this.upsertVersion(o.d, o.key, version, run.runId);
      await this.upsertRunDataset({
        runId: run.runId,
        direction: "output",
        datasetVersionKey: v.key,
        datasetKey: o.key,
        facets: mergeFacets((await this.runDatasetFor(run.runId, "output", o.key))?.facets, o.d.outputFacets),
      });
      this.edge(id, v.nodeId);
    }

    if (state === "FAILED") {
      for (const out of (await this.runDatasets(run.runId)).inDirection("output")) {
        await this.markFailed(out.datasetVersionKey, {
          source: "run",
          run: runKey,
          message: errorMessage ? `its run failed: ${errorMessage}` : "its run failed",
        });
      }
    }
    if (failedChecks.length > 0) {
      for (const input of (await this.runDatasets(run.runId)).inDirection("input")) {
        for (const c of failedChecks) {
          await this.markFailed(input.datasetVersionKey, { source: "check", run: runKey, check: c.check, message: c.message });
        }
      }
    }
  }

  /**
   * The version a run read: the one the producer named, else the one this run already recorded
   * (START and COMPLETE list the same inputs), else the dataset's latest version at that moment.
   */
  private async resolveInputVersion(runId: string, d: ProjectableDataset, datasetKey: string): Promise<{ key: string; nodeId: number }> {
    const named = versionFacetOf(d.facets);
    if (named) return this.upsertVersion(d, datasetKey, named, null);
    const recorded = await this.runDatasetFor(runId, "input", datasetKey);
    if (recorded) {
      const v = await this.version(recorded.datasetVersionKey);
      if (v) return { key: recorded.datasetVersionKey, nodeId: this.touch(v.nodeId) };
    }
    const latest = (await this.dataset(datasetKey))?.latestVersionKey;
    if (latest) {
      const v = await this.version(latest);
      if (v) return { key: latest, nodeId: this.touch(v.nodeId) };
    }
    return this.upsertVersion(d, datasetKey, UNVERSIONED, null);
  }

  private async updateLatestRun(jobKey: string, runId: string, startedAt: string | null): Promise<void> {
    const job = await this.job(jobKey);
    if (!job) return;
    if (job.latestRunId && job.latestRunId !== runId) {
      const latest = await this.run(job.latestRunId);
      if (latest?.startedAt && startedAt && latest.startedAt > startedAt) return;
    }
    if (job.latestRunId !== runId) {
      this.c.pending.latestRuns.set(jobKey, runId);
      job.latestRunId = runId;
    }
  }

  private async markFailed(versionKey: string, reason: FailureReason): Promise<void> {
    const v = await this.version(versionKey);
    if (!v) return;
    const reasons = readFailureReasons(v.failureReasons);
    const same = reasons.some((r) => r.source === reason.source && r.run === reason.run && r.check === reason.check);
    if (same) return;
    reasons.push(reason);
    const failureReasons = JSON.stringify(reasons);
    const inserting = this.c.pending.newVersions.get(versionKey);
    if (inserting) Object.assign(inserting, { isFailed: 1, failureReasons });
    else await this.db.run(SQL.setVersionFailure, [failureReasons, versionKey]);
    v.isFailed = 1;
    v.failureReasons = failureReasons;
  }
}

/** The version a producer named in the `version` dataset facet, if any. */
function versionFacetOf(facets: Facets | undefined): string | null {
  const v = facets?.version;
  return isRecord(v) ? str(v.datasetVersion) : null;
}
