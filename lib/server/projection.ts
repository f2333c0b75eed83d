import "server-only";
import { isRecord } from "@/lib/lineage/json";
import type { Sqlite } from "./db";
import { projectFlag, splitFlagEvent } from "./flags-projection";
import { hasColumnFacets, projectColumns } from "./columns-projection";
import { hasProvenanceFacet, projectProvenance } from "./provenance-projection";
import { runStepsSync, type SqlSteps } from "./store/sql-steps";
import { nodeId } from "@/lib/lineage/node-id";
import { type DatasetKind, type RunParameter, type RunState } from "@/lib/lineage/types";
import { canonicalJson } from "@/lib/schemas/canonical";
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

/** ISO-8601 UTC, so string order is time order. */
export function toUtc(time: string): string {
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
  const base = current ? (current.parsed ?? readFacets(current.facets)) : {};
  const facets = canonicalJson({ ...base, ...next });
  if (current?.parsed && facets === current.facets) return { facets, parsed: current.parsed };
  return { facets, parsed: readFacets(facets) };
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

  /** Adds a row, or replaces the facets of the row with the same version (as ON CONFLICT does). */
  upsert(row: RunDatasetRow): void {
    const existing = this.byVersion.get(`${row.direction}\0${row.datasetVersionKey}`);
    if (existing) {
      existing.facets = row.facets;
      return;
    }
    const entry = { ...row };
    this.byVersion.set(`${row.direction}\0${row.datasetVersionKey}`, entry);
    const datasetKey = `${row.direction}\0${row.datasetKey}`;
    const first = this.firstByDataset.get(datasetKey);
    if (!first || entry.datasetVersionKey < first.datasetVersionKey) this.firstByDataset.set(datasetKey, entry);
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
 * is read by hundreds of runs). Write-through: every write goes to SQLite at once and updates the
 * entry. Valid only inside the transaction that created it — another connection may write between
 * transactions — and only while projectEvent is the only writer of these tables (projectFlag
 * writes versions: projectEvent drops the cached versions after it).
 */
export class ProjectionCache {
  readonly nodeIds = new Map<string, number>();
  readonly jobs = new Map<string, CachedJob | null>();
  readonly datasets = new Map<string, CachedDataset | null>();
  readonly versions = new Map<string, CachedVersion | null>();
  readonly runs = new Map<string, CachedRun | null>();
  /** A run's RunDataset rows. */
  readonly runDatasets = new Map<string, RunDatasets>();
  /** Edges known to exist ("source>target"): inserting them again would change nothing. */
  readonly edges = new Set<string>();

  /** Entries held, to bound memory on long replays. */
  get size(): number {
    return this.nodeIds.size + this.jobs.size + this.datasets.size + this.versions.size + this.runs.size + this.runDatasets.size + this.edges.size;
  }

  clear(): void {
    this.nodeIds.clear();
    this.jobs.clear();
    this.datasets.clear();
    this.versions.clear();
    this.runs.clear();
    this.runDatasets.clear();
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

function prepare(db: Sqlite) {
  return {
    // The column projection is written once for the Store (columns-projection.ts); run it here.
    runSteps: <T>(steps: SqlSteps<T>): T => runStepsSync(db, steps),
    nodeId: db.prepare<[string], { id: number }>("SELECT id FROM Node WHERE key = ?"),
    insertNode: db.prepare<[string, string, string, string, number]>(
      "INSERT INTO Node (key, type, namespace, name, seq) VALUES (?, ?, ?, ?, ?)",
    ),
    insertEdge: db.prepare<[number, number, number]>(
      "INSERT OR IGNORE INTO Edge (sourceId, targetId, seq) VALUES (?, ?, ?)",
    ),
    // Which nodes each event touched: the audit log's node filters and view exports read it.
    touchNode: db.prepare<[number, number]>("INSERT OR IGNORE INTO EventNode (seq, nodeId) VALUES (?, ?)"),
    getJob: db.prepare<[string], { facets: string; latestRunId: string | null }>(
      "SELECT facets, latestRunId FROM Job WHERE key = ?",
    ),
    insertJob: db.prepare(
      `INSERT INTO Job (nodeId, key, namespace, name, kind, description, facets, latestRunId, createdAt, updatedAt)
       VALUES (@nodeId, @key, @namespace, @name, @kind, @description, @facets, NULL, @time, @time)`,
    ),
    updateJob: db.prepare(
      "UPDATE Job SET kind = @kind, description = @description, facets = @facets, updatedAt = @time WHERE key = @key",
    ),
    setLatestRun: db.prepare<[string, string]>("UPDATE Job SET latestRunId = ? WHERE key = ?"),
    getRun: db.prepare<[string], RunRow>(
      "SELECT nodeId, state, startedAt, endedAt, facets, jobKey FROM Run WHERE runId = ?",
    ),
    insertRun: db.prepare(
      `INSERT INTO Run (nodeId, runId, jobKey, state, startedAt, endedAt, nominalTime, parentRunId, errorMessage, stackTrace,
                        parameters, failedChecks, reason, facets, jobFacets, createdAt, updatedAt)
       VALUES (@nodeId, @runId, @jobKey, @state, @startedAt, @endedAt, @nominalTime, @parentRunId, @errorMessage, @stackTrace,
               @parameters, @failedChecks, @reason, @facets, @jobFacets, @time, @time)`,
    ),
    updateRun: db.prepare(
      `UPDATE Run SET state = @state, startedAt = @startedAt, endedAt = @endedAt, nominalTime = @nominalTime,
              parentRunId = @parentRunId, errorMessage = @errorMessage, stackTrace = @stackTrace, parameters = @parameters,
              failedChecks = @failedChecks, reason = @reason, facets = @facets, jobFacets = @jobFacets, updatedAt = @time
       WHERE runId = @runId`,
    ),
    getDataset: db.prepare<[string], DatasetRow>("SELECT nodeId, facets, latestVersionKey FROM Dataset WHERE key = ?"),
    insertDataset: db.prepare(
      `INSERT INTO Dataset (nodeId, key, namespace, name, kind, description, facets, latestVersionKey, createdAt, updatedAt)
       VALUES (@nodeId, @key, @namespace, @name, @kind, @description, @facets, NULL, @time, @time)`,
    ),
    updateDataset: db.prepare(
      "UPDATE Dataset SET kind = @kind, description = @description, facets = @facets, updatedAt = @time WHERE key = @key",
    ),
    setLatestVersion: db.prepare<[string, string]>("UPDATE Dataset SET latestVersionKey = ? WHERE key = ?"),
    getVersion: db.prepare<[string], VersionRow>(
      "SELECT nodeId, createdAt, facets, isFailed, failureReasons FROM DatasetVersion WHERE key = ?",
    ),
    insertVersion: db.prepare(
      `INSERT INTO DatasetVersion (nodeId, key, datasetKey, version, producedByRunId, reason, contentHash, isSynthetic,
                                   isFailed, failureReasons, facets, createdAt, updatedAt)
       VALUES (@nodeId, @key, @datasetKey, @version, @producedByRunId, @reason, @contentHash, @isSynthetic,
               0, '[]', @facets, @time, @time)`,
    ),
    updateVersion: db.prepare(
      `UPDATE DatasetVersion SET producedByRunId = COALESCE(@producedByRunId, producedByRunId), reason = @reason,
              contentHash = @contentHash, isSynthetic = @isSynthetic, facets = @facets, updatedAt = @time
       WHERE key = @key`,
    ),
    setVersionFailure: db.prepare<[string, string]>(
      "UPDATE DatasetVersion SET isFailed = 1, failureReasons = ? WHERE key = ?",
    ),
    upsertRunDataset: db.prepare(
      `INSERT INTO RunDataset (runId, direction, datasetVersionKey, datasetKey, facets)
       VALUES (@runId, @direction, @datasetVersionKey, @datasetKey, @facets)
       ON CONFLICT (runId, direction, datasetVersionKey) DO UPDATE SET facets = excluded.facets`,
    ),
    allRunDatasets: db.prepare<[string], RunDatasetRow>(
      "SELECT direction, datasetVersionKey, datasetKey, facets FROM RunDataset WHERE runId = ? ORDER BY direction, datasetVersionKey",
    ),
  };
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

/**
 * Applies one validated event to the projection. Call inside the transaction that logged it; pass
 * one ProjectionCache to every event of that transaction (and to no other transaction).
 */
export function projectEvent(
  db: Sqlite,
  seq: number,
  kind: EventKind,
  event: ProjectableEvent,
  cache: ProjectionCache = new ProjectionCache(),
): void {
  // A flag (threadline_flag on a DatasetEvent) is projected into Flag, not into the dataset's facets.
  const flagged = splitFlagEvent(kind, event);
  new Projector(statements(db), cache, seq, toUtc(event.eventTime)).apply(kind, flagged?.event ?? event);
  if (flagged?.flag) {
    projectFlag(db, seq, flagged.flag);
    cache.versions.clear();
  }
}

class Projector {
  /** Nodes this event already recorded in EventNode. */
  private readonly touched = new Set<number>();

  constructor(
    private readonly s: Statements,
    private readonly c: ProjectionCache,
    private readonly seq: number,
    private readonly time: string,
  ) {}

  apply(kind: EventKind, event: ProjectableEvent): void {
    if (kind === "DatasetEvent" && event.dataset) {
      const { key } = this.upsertDataset(event.dataset);
      const version = versionFacetOf(event.dataset.facets);
      if (version) this.upsertVersion(event.dataset, key, version, null);
      return;
    }
    if (!event.job) return;
    const job = this.upsertJob(event.job);
    const inputs = (event.inputs ?? []).map((d) => ({ d, ...this.upsertDataset(d) }));
    const outputs = (event.outputs ?? []).map((d) => ({ d, ...this.upsertDataset(d) }));
    for (const i of inputs) this.edge(i.nodeId, job.nodeId);
    for (const o of outputs) this.edge(job.nodeId, o.nodeId);
    if (kind === "RunEvent" && event.run) this.applyRun(event, event.run, job, inputs, outputs);
  }

  private node(key: string, type: string, namespace: string, name: string): number {
    let id = this.c.nodeIds.get(key) ?? this.s.nodeId.get(key)?.id;
    if (id === undefined) id = Number(this.s.insertNode.run(key, type, namespace, name, this.seq).lastInsertRowid);
    this.c.nodeIds.set(key, id);
    return this.touch(id);
  }

  private touch(id: number): number {
    if (!this.touched.has(id)) {
      this.touched.add(id);
      this.s.touchNode.run(this.seq, id);
    }
    return id;
  }

  private edge(source: number, target: number): void {
    const key = `${source}>${target}`;
    if (this.c.edges.has(key)) return;
    this.s.insertEdge.run(source, target, this.seq);
    this.c.edges.add(key);
  }

  private job(key: string): CachedJob | undefined {
    let job = this.c.jobs.get(key);
    if (job === undefined) this.c.jobs.set(key, (job = this.s.getJob.get(key) ?? null));
    return job ?? undefined;
  }

  private dataset(key: string): CachedDataset | undefined {
    let dataset = this.c.datasets.get(key);
    if (dataset === undefined) this.c.datasets.set(key, (dataset = this.s.getDataset.get(key) ?? null));
    return dataset ?? undefined;
  }

  private version(key: string): CachedVersion | undefined {
    let version = this.c.versions.get(key);
    if (version === undefined) this.c.versions.set(key, (version = this.s.getVersion.get(key) ?? null));
    return version ?? undefined;
  }

  private run(runId: string): CachedRun | undefined {
    let run = this.c.runs.get(runId);
    if (run === undefined) this.c.runs.set(runId, (run = this.s.getRun.get(runId) ?? null));
    return run ?? undefined;
  }

  private runDatasets(runId: string): RunDatasets {
    let rows = this.c.runDatasets.get(runId);
    if (!rows) this.c.runDatasets.set(runId, (rows = new RunDatasets(this.s.allRunDatasets.all(runId))));
    return rows;
  }

  /** The first row (in key order) a run recorded for a dataset in one direction, as runDatasetFor. */
  private runDatasetFor(runId: string, direction: string, datasetKey: string): RunDatasetRow | undefined {
    return this.runDatasets(runId).firstFor(direction, datasetKey);
  }

  private upsertRunDataset(row: RunDatasetRow & { runId: string }): void {
    this.s.upsertRunDataset.run(row);
    this.runDatasets(row.runId).upsert({ direction: row.direction, datasetVersionKey: row.datasetVersionKey, datasetKey: row.datasetKey, facets: row.facets });
  }

  private upsertJob(job: NonNullable<ProjectableEvent["job"]>): { key: string; nodeId: number; facets: string } {
    const key = nodeId.job(job.namespace, job.name);
    const id = this.node(key, "job", job.namespace, job.name);
    const existing = this.job(key);
    const { facets, parsed: merged } = mergeParsed(existing, job.facets);
    const row = {
      key,
      nodeId: id,
      namespace: job.namespace,
      name: job.name,
      kind: isRecord(merged.jobType) ? (str(merged.jobType.jobType)?.toLowerCase() ?? null) : null,
      description: isRecord(merged.documentation) ? str(merged.documentation.description) : null,
      facets,
      time: this.time,
    };
    if (existing) this.s.updateJob.run(row);
    else this.s.insertJob.run(row);
    this.c.jobs.set(key, { facets, parsed: merged, latestRunId: existing?.latestRunId ?? null });
    return { key, nodeId: id, facets };
  }

  private upsertDataset(d: ProjectableDataset): { key: string; nodeId: number } {
    const key = nodeId.dataset(d.namespace, d.name);
    const id = this.node(key, "dataset", d.namespace, d.name);
    const existing = this.dataset(key);
    // A version facet describes one version, not the dataset: keep it off the dataset's own facets.
    const { version: _version, ...datasetFacets } = d.facets ?? {};
    const { facets, parsed: merged } = mergeParsed(existing, datasetFacets);
    const row = {
      key,
      nodeId: id,
      namespace: d.namespace,
      name: d.name,
      kind: datasetKindOf(merged),
      description: isRecord(merged.documentation) ? str(merged.documentation.description) : null,
      facets,
      time: this.time,
    };
    if (existing) this.s.updateDataset.run(row);
    else this.s.insertDataset.run(row);
    this.c.datasets.set(key, { nodeId: id, facets, parsed: merged, latestVersionKey: existing?.latestVersionKey ?? null });
    return { key, nodeId: id };
  }

  private upsertVersion(
    d: ProjectableDataset,
    datasetKey: string,
    version: string,
    producedByRunId: string | null,
  ): { key: string; nodeId: number } {
    const key = nodeId.datasetVersion(d.namespace, d.name, version);
    const id = this.node(key, "datasetVersion", d.namespace, d.name);
    const existing = this.version(key);
    const { facets, parsed: merged } = mergeParsed(existing, d.facets);
    const row = {
      key,
      nodeId: id,
      datasetKey,
      version,
      producedByRunId,
      reason: readChangeFacet(merged)?.reason ?? null,
      contentHash: readProvenanceFacet(merged)?.contentHash ?? null,
      isSynthetic: merged.threadline_synthetic !== undefined ? 1 : 0,
      facets,
      time: this.time,
    };
    if (existing) {
      this.s.updateVersion.run(row);
      this.c.versions.set(key, { ...existing, facets, parsed: merged });
    } else {
      this.s.insertVersion.run(row);
      this.c.versions.set(key, { nodeId: id, createdAt: this.time, facets, parsed: merged, isFailed: 0, failureReasons: "[]" });
      const dataset = this.dataset(datasetKey);
      const latest = dataset?.latestVersionKey ? this.version(dataset.latestVersionKey) : undefined;
      if (!latest || latest.createdAt <= this.time) {
        this.s.setLatestVersion.run(key, datasetKey);
        if (dataset) dataset.latestVersionKey = key;
      }
    }
    if (hasColumnFacets(d.facets)) {
      const target = { namespace: d.namespace, name: d.name, datasetKey, versionKey: key, runId: producedByRunId };
      this.s.runSteps(projectColumns(this.seq, target, d.facets ?? {}));
    }
    if (hasProvenanceFacet(d.facets)) {
      this.s.runSteps(projectProvenance(this.seq, { namespace: d.namespace, versionKey: key }, d.facets ?? {}));
    }
    return { key, nodeId: id };
  }

  private applyRun(
    event: ProjectableEvent,
    run: NonNullable<ProjectableEvent["run"]>,
    job: { key: string; nodeId: number; facets: string },
    inputs: { d: ProjectableDataset; key: string; nodeId: number }[],
    outputs: { d: ProjectableDataset; key: string; nodeId: number }[],
  ): void {
    const runKey = nodeId.run(run.runId);
    // A run node carries its job's namespace and name: that is how people recognise a run.
    const id = this.node(runKey, "run", event.job?.namespace ?? "", event.job?.name ?? run.runId);
    const existing = this.run(run.runId);
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
    const inputVersions = inputs.map((i) => ({ ...i, version: this.resolveInputVersion(run.runId, i.d, i.key) }));
    const checkInputFacets = Object.assign({}, ...inputs.map((i) => i.d.inputFacets ?? {})) as Facets;
    const failedChecks = failedChecksOf(merged, checkInputFacets);

    const row = {
      nodeId: id,
      runId: run.runId,
      jobKey: job.key,
      state,
      startedAt,
      endedAt,
      nominalTime: nominal ? toUtc(nominal) : null,
      parentRunId: parent,
      errorMessage: error ? str(error.message) : null,
      stackTrace: error ? str(error.stackTrace) : null,
      parameters: JSON.stringify(runParametersOf(merged)),
      failedChecks: JSON.stringify(failedChecks),
      reason: readChangeFacet(merged)?.reason ?? null,
      facets,
      jobFacets: job.facets,
      time: this.time,
    };
    if (existing) this.s.updateRun.run(row);
    else this.s.insertRun.run(row);
    this.c.runs.set(run.runId, { nodeId: id, state, startedAt, endedAt, facets, parsed: merged, jobKey: existing?.jobKey ?? job.key });
    this.updateLatestRun(job.key, run.runId, row.startedAt);

    for (const i of inputVersions) {
      this.upsertRunDataset({
        runId: run.runId,
        direction: "input",
        datasetVersionKey: i.version.key,
        datasetKey: i.key,
        facets: mergeFacets(this.runDatasetFor(run.runId, "input", i.key)?.facets, i.d.inputFacets),
      });
      this.edge(i.version.nodeId, id);
    }
    for (const o of outputs) {
      const version = versionFacetOf(o.d.facets) ?? run.runId;
      const v = this.upsertVersion(o.d, o.key, version, run.runId);
      this.upsertRunDataset({
        runId: run.runId,
        direction: "output",
        datasetVersionKey: v.key,
        datasetKey: o.key,
        facets: mergeFacets(this.runDatasetFor(run.runId, "output", o.key)?.facets, o.d.outputFacets),
      });
      this.edge(id, v.nodeId);
    }

    if (state === "FAILED") {
      for (const out of this.runDatasets(run.runId).inDirection("output")) {
        this.markFailed(out.datasetVersionKey, {
          source: "run",
          run: runKey,
          message: row.errorMessage ? `its run failed: ${row.errorMessage}` : "its run failed",
        });
      }
    }
    if (failedChecks.length > 0) {
      for (const input of this.runDatasets(run.runId).inDirection("input")) {
        for (const c of failedChecks) {
          this.markFailed(input.datasetVersionKey, { source: "check", run: runKey, check: c.check, message: c.message });
        }
      }
    }
  }

  /**
   * The version a run read: the one the producer named, else the one this run already recorded
   * (START and COMPLETE list the same inputs), else the dataset's latest version at that moment.
   */
  private resolveInputVersion(runId: string, d: ProjectableDataset, datasetKey: string): { key: string; nodeId: number } {
    const named = versionFacetOf(d.facets);
    if (named) return this.upsertVersion(d, datasetKey, named, null);
    const recorded = this.runDatasetFor(runId, "input", datasetKey);
    if (recorded) {
      const v = this.version(recorded.datasetVersionKey);
      if (v) return { key: recorded.datasetVersionKey, nodeId: this.touch(v.nodeId) };
    }
    const latest = this.dataset(datasetKey)?.latestVersionKey;
    if (latest) {
      const v = this.version(latest);
      if (v) return { key: latest, nodeId: this.touch(v.nodeId) };
    }
    return this.upsertVersion(d, datasetKey, UNVERSIONED, null);
  }

  private updateLatestRun(jobKey: string, runId: string, startedAt: string | null): void {
    const job = this.job(jobKey);
    if (!job) return;
    if (job.latestRunId && job.latestRunId !== runId) {
      const latest = this.run(job.latestRunId);
      if (latest?.startedAt && startedAt && latest.startedAt > startedAt) return;
    }
    if (job.latestRunId !== runId) {
      this.s.setLatestRun.run(runId, jobKey);
      job.latestRunId = runId;
    }
  }

  private markFailed(versionKey: string, reason: FailureReason): void {
    const v = this.version(versionKey);
    if (!v) return;
    const reasons = readFailureReasons(v.failureReasons);
    const same = reasons.some((r) => r.source === reason.source && r.run === reason.run && r.check === reason.check);
    if (same) return;
    reasons.push(reason);
    const failureReasons = JSON.stringify(reasons);
    this.s.setVersionFailure.run(failureReasons, versionKey);
    v.isFailed = 1;
    v.failureReasons = failureReasons;
  }
}

/** The version a producer named in the `version` dataset facet, if any. */
function versionFacetOf(facets: Facets | undefined): string | null {
  const v = facets?.version;
  return isRecord(v) ? str(v.datasetVersion) : null;
}
