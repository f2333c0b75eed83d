/**
 * MLflow's tracking entities as plain data, whichever store they were read from (a file store
 * `mlruns/`, a SQL store `mlflow.db`, a tracking server's REST API), and MLflow's own rules over
 * them. The readers fill these in; `to-openlineage.ts` maps them to OpenLineage events. Pure.
 *
 * Field names follow MLflow's REST API (service.proto, model_registry.proto) in camelCase; times
 * are milliseconds since the epoch, as MLflow stores them.
 */

export type MlflowRunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

/** The file store writes RunStatus as its protobuf number (service.proto: RUNNING = 1 ... KILLED = 5). */
const STATUS_BY_NUMBER: Record<string, MlflowRunStatus> = {
  "1": "RUNNING",
  "2": "SCHEDULED",
  "3": "FINISHED",
  "4": "FAILED",
  "5": "KILLED",
};

/** A RunStatus from a number (file store), a name (SQL store, REST) or null when it is neither. */
export function parseRunStatus(value: unknown): MlflowRunStatus | null {
  const text = String(value ?? "").trim().toUpperCase();
  if (STATUS_BY_NUMBER[text]) return STATUS_BY_NUMBER[text];
  return (Object.values(STATUS_BY_NUMBER) as string[]).includes(text) ? (text as MlflowRunStatus) : null;
}

export interface MlflowExperiment {
  id: string;
  name: string;
  artifactLocation: string | null;
  creationTime: number | null;
  lastUpdateTime: number | null;
  tags: Record<string, string>;
}

/** One logged value of a metric. MLflow 3 may tie it to a dataset (name + digest) and a logged model. */
export interface MlflowMetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  datasetName?: string;
  datasetDigest?: string;
  modelId?: string;
}

/** A metric of a run: its latest value by MLflow's rule and how many values were logged. */
export interface MlflowMetric {
  key: string;
  latest: MlflowMetricPoint;
  /** Number of values in the history; null when the source only gives the latest (REST search). */
  historyLength: number | null;
}

export interface MlflowDataset {
  name: string;
  digest: string;
  sourceType: string;
  /** JSON text as MLflow stores it, e.g. {"uri": "s3://bucket/train.parquet"}. */
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface MlflowDatasetInput {
  dataset: MlflowDataset;
  /** The `mlflow.data.context` input tag: train, eval, test... */
  context: string | null;
  tags: Record<string, string>;
}

/** A model a run logged: an MLflow 3 LoggedModel, or an entry of the 2.x `mlflow.log-model.history` tag. */
export interface MlflowLoggedModel {
  /** `m-…` (MLflow 3) or the 2.x model_uuid. */
  id: string;
  experimentId: string;
  name: string;
  sourceRunId: string | null;
  /** READY, PENDING, UPLOAD_FAILED (MLflow 3); null for 2.x history entries. */
  status: string | null;
  creationTime: number | null;
  lastUpdatedTime: number | null;
  modelType: string | null;
  /** Flavours from the MLmodel (sklearn, pytorch, transformers, ...). */
  flavors: string[];
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface MlflowRun {
  /** 32 hex digits, as MLflow shows it. */
  id: string;
  experimentId: string;
  name: string | null;
  status: MlflowRunStatus;
  startTime: number | null;
  endTime: number | null;
  userId: string | null;
  artifactUri: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: MlflowMetric[];
  inputs: MlflowDatasetInput[];
  /** Logged-model ids this run output (MLflow 3 run outputs). */
  outputModelIds: string[];
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  runId: string | null;
  source: string | null;
  /** MLflow 3: the logged model this version was registered from. */
  modelId: string | null;
  status: string | null;
  /** None, Staging, Production, Archived. */
  currentStage: string | null;
  aliases: string[];
  description: string | null;
  userId: string | null;
  creationTime: number | null;
  lastUpdatedTime: number | null;
  tags: Record<string, string>;
}

/** What was left out on purpose, for the closing summary. */
export interface SkipCounts {
  deletedExperiments: number;
  deletedRuns: number;
  /** Files or folders in the store that are not MLflow entities (a stray CSV, a nested store). */
  strayEntries: number;
}

/** Everything read from one tracking store, before mapping. */
export interface MlflowSnapshot {
  /** Where it was read: file:///…/mlruns, sqlite:///…/mlflow.db, http(s)://host:port. */
  trackingUri: string;
  experiments: MlflowExperiment[];
  runs: MlflowRun[];
  loggedModels: MlflowLoggedModel[];
  modelVersions: MlflowModelVersion[];
  skipped: SkipCounts;
}

export function emptySkipCounts(): SkipCounts {
  return { deletedExperiments: 0, deletedRuns: 0, strayEntries: 0 };
}

/**
 * MLflow's rule for a metric's latest value (FileStore and SqlAlchemyStore alike): the greatest
 * (step, timestamp, value) triple, compared in that order. NaN compares as the greatest value, as
 * MLflow's SQL store (is_nan) ranks it.
 */
export function latestMetricPoint(points: readonly MlflowMetricPoint[]): MlflowMetricPoint | null {
  let best: MlflowMetricPoint | null = null;
  for (const p of points) {
    if (best === null || compareMetricPoints(p, best) > 0) best = p;
  }
  return best;
}

function compareMetricPoints(a: MlflowMetricPoint, b: MlflowMetricPoint): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (Number.isNaN(a.value) || Number.isNaN(b.value)) return Number.isNaN(a.value) ? (Number.isNaN(b.value) ? 0 : 1) : -1;
  return a.value - b.value;
}

/** Groups metric points by key into metrics (latest + history length), sorted by key. */
export function summariseMetrics(points: readonly MlflowMetricPoint[]): MlflowMetric[] {
  const byKey = new Map<string, MlflowMetricPoint[]>();
  for (const p of points) {
    const list = byKey.get(p.key) ?? [];
    list.push(p);
    byKey.set(p.key, list);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => ({ key, latest: latestMetricPoint(list)!, historyLength: list.length }));
}

/** MLflow run ids are 32 hex digits; OpenLineage wants a UUID: the same digits with dashes (8-4-4-4-12). */
export function runIdToUuid(runId: string): string | null {
  const hex = runId.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
