import {
  runIdToUuid,
  type MlflowDataset,
  type MlflowExperiment,
  type MlflowLoggedModel,
  type MlflowModelVersion,
  type MlflowRun,
  type MlflowSnapshot,
} from "./model";

/**
 * MLflow -> OpenLineage, as a pure function of a snapshot. The table in docs/mlflow.md is the
 * contract; in short:
 *
 * - an experiment is a job (namespace `mlflow:<tracking URI>` unless told otherwise, name = the
 *   experiment's name); a run is an OpenLineage run whose runId is the MLflow run id with dashes;
 * - START at the run's start time, then COMPLETE / FAIL / ABORT at its end (RUNNING while it runs),
 *   carrying params (executionParameters), metrics (threadline_evaluation: MLflow's latest value and
 *   the history's length), the note (threadline_change), the parent (parent), user and source
 *   (ownership, sourceCodeLocation), MLflow's ids and names (threadline_mlflow);
 * - dataset inputs are input dataset versions (version = MLflow's digest), logged models and
 *   registered model versions are output datasets of type MODEL produced by their source run.
 *
 * Deterministic: the same store gives byte-identical events (sorted keys and lists, no clock), so
 * Threadline's idempotency key (the canonical event's hash) makes a re-import a no-op, and a run
 * that changed gives new events only for what changed.
 */

export const MLFLOW_PRODUCER = "https://threadline.dev/importers/mlflow";
const RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const DATASET_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent";
const OL_FACETS = "https://openlineage.io/spec/facets";
const TL_FACETS = "https://threadline.dev/spec/facets/1-0-0";

const SCHEMA = {
  parent: `${OL_FACETS}/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet`,
  executionParameters: `${OL_FACETS}/1-0-0/ExecutionParametersRunFacet.json#/$defs/ExecutionParametersRunFacet`,
  jobType: `${OL_FACETS}/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
  sourceCodeLocation: `${OL_FACETS}/1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet`,
  ownership: `${OL_FACETS}/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet`,
  jobDocumentation: `${OL_FACETS}/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet`,
  datasetDocumentation: `${OL_FACETS}/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet`,
  version: `${OL_FACETS}/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet`,
  schema: `${OL_FACETS}/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  dataSource: `${OL_FACETS}/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet`,
  datasetType: `${OL_FACETS}/1-0-1/DatasetTypeDatasetFacet.json#/$defs/DatasetTypeDatasetFacet`,
  inputStatistics: `${OL_FACETS}/1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet`,
  datasetTags: `${OL_FACETS}/1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet`,
  change: `${TL_FACETS}/ThreadlineChangeFacet.json#/$defs/ThreadlineChangeRunFacet`,
  evaluation: `${TL_FACETS}/ThreadlineEvaluationFacet.json#/$defs/ThreadlineEvaluationRunFacet`,
  model: `${TL_FACETS}/ThreadlineModelFacet.json#/$defs/ThreadlineModelDatasetFacet`,
  mlflowRun: `${TL_FACETS}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowRunFacet`,
  mlflowDataset: `${TL_FACETS}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowDatasetFacet`,
  mlflowInput: `${TL_FACETS}/ThreadlineMlflowFacet.json#/$defs/ThreadlineMlflowInputDatasetFacet`,
} as const;

type Json = Record<string, unknown>;

export interface MappingOptions {
  /** The namespace of jobs, MLflow-only datasets and models; default `mlflow:<tracking URI>`. */
  namespace?: string;
}

/** The events of one MLflow entity (a run, or a registered version without a run), in log order. */
export interface MappedUnit {
  /** run:<id> or version:<name>/<version>: what progress and errors name. */
  key: string;
  events: Json[];
}

export interface MappingCounts {
  experiments: number;
  runs: number;
  nestedRuns: number;
  /** Distinct (name, digest) dataset versions read by the imported runs. */
  datasets: number;
  loggedModels: number;
  modelVersions: number;
}

export interface Mapping {
  namespace: string;
  units: MappedUnit[];
  counts: MappingCounts;
  /** Entities that cannot become OpenLineage (a run id that is not 32 hex digits), with the reason. */
  unmappable: { key: string; reason: string }[];
}

export function defaultNamespace(trackingUri: string): string {
  return `mlflow:${trackingUri}`;
}

export function mapSnapshot(snapshot: MlflowSnapshot, options: MappingOptions = {}): Mapping {
  const namespace = options.namespace ?? defaultNamespace(snapshot.trackingUri);
  const experiments = new Map(snapshot.experiments.map((e) => [e.id, e]));
  const runs = new Map(snapshot.runs.map((r) => [r.id, r]));
  const modelsByRun = new Map<string, MlflowLoggedModel[]>();
  for (const m of snapshot.loggedModels) {
    if (!m.sourceRunId) continue;
    modelsByRun.set(m.sourceRunId, [...(modelsByRun.get(m.sourceRunId) ?? []), m]);
  }
  const units: MappedUnit[] = [];
  const unmappable: Mapping["unmappable"] = [];
  const datasetVersions = new Set<string>();
  let nestedRuns = 0;
  let loggedModels = 0;

  for (const run of [...snapshot.runs].sort(byRunOrder)) {
    const experiment = experiments.get(run.experimentId);
    const uuid = runIdToUuid(run.id);
    if (!experiment || !uuid) {
      unmappable.push({ key: `run:${run.id}`, reason: uuid ? `its experiment ${run.experimentId} was not imported` : "its id is not 32 hex digits" });
      continue;
    }
    const models = (modelsByRun.get(run.id) ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    units.push({ key: `run:${run.id}`, events: runEvents(run, experiment, models, runs, experiments, namespace) });
    if (run.tags["mlflow.parentRunId"]) nestedRuns++;
    loggedModels += models.length;
    for (const input of run.inputs) datasetVersions.add(`${input.dataset.name}\u0000${input.dataset.digest}`);
  }

  let modelVersions = 0;
  for (const v of [...snapshot.modelVersions].sort(byVersionOrder)) {
    const run = v.runId ? runs.get(v.runId) : undefined;
    const experiment = run ? experiments.get(run.experimentId) : undefined;
    const uuid = run ? runIdToUuid(run.id) : null;
    units.push({
      key: `version:${v.name}/${v.version}`,
      events: [run && experiment && uuid ? versionRunEvent(v, run, uuid, experiment, namespace) : versionDatasetEvent(v, namespace)],
    });
    modelVersions++;
  }

  return {
    namespace,
    units,
    unmappable,
    counts: {
      experiments: snapshot.experiments.length,
      runs: units.filter((u) => u.key.startsWith("run:")).length,
      nestedRuns,
      datasets: datasetVersions.size,
      loggedModels,
      modelVersions,
    },
  };
}

// ---- runs ----------------------------------------------------------------------------------------

function runEvents(
  run: MlflowRun,
  experiment: MlflowExperiment,
  models: MlflowLoggedModel[],
  runs: Map<string, MlflowRun>,
  experiments: Map<string, MlflowExperiment>,
  namespace: string,
): Json[] {
  const runId = runIdToUuid(run.id)!;
  const job = jobOf(run, experiment, namespace);
  const parentFacet = parentOf(run, runs, experiments, experiment, namespace);
  const ids = { runId: run.id, experimentId: experiment.id, experimentName: experiment.name };
  const events: Json[] = [];
  if (run.startTime !== null) {
    // START holds only what never changes, so a run that goes on changing never re-sends it.
    events.push({
      eventType: "START",
      eventTime: iso(run.startTime),
      producer: MLFLOW_PRODUCER,
      schemaURL: RUN_EVENT_SCHEMA,
      run: { runId, facets: { ...(parentFacet ? { parent: parentFacet } : {}), threadline_mlflow: facet(SCHEMA.mlflowRun, ids) } },
      job,
    });
  }
  const ended = run.status === "FINISHED" || run.status === "FAILED" || run.status === "KILLED";
  const eventType = run.status === "FINISHED" ? "COMPLETE" : run.status === "FAILED" ? "FAIL" : run.status === "KILLED" ? "ABORT" : "RUNNING";
  const lastMetric = Math.max(...run.metrics.map((m) => m.latest.timestamp), run.startTime ?? 0);
  const time = ended ? (run.endTime ?? run.startTime ?? lastMetric) : Math.max(run.startTime ?? 0, lastMetric);
  const note = run.tags["mlflow.note.content"];
  const user = run.tags["mlflow.user"] ?? run.userId;
  const runFacets: Json = {
    ...(parentFacet ? { parent: parentFacet } : {}),
    threadline_mlflow: facet(SCHEMA.mlflowRun, {
      ...ids,
      runName: run.name ?? undefined,
      status: run.status,
      user: user ?? undefined,
      artifactUri: run.artifactUri ?? undefined,
      tags: userTags(run.tags),
    }),
  };
  const params = Object.entries(run.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (params.length > 0) runFacets.executionParameters = facet(SCHEMA.executionParameters, { parameters: params.map(([key, value]) => ({ key, value })) });
  if (run.metrics.length > 0) {
    runFacets.threadline_evaluation = facet(SCHEMA.evaluation, {
      metrics: run.metrics.map((m) => ({
        key: m.key,
        value: Number.isFinite(m.latest.value) ? m.latest.value : null,
        step: m.latest.step,
        timestamp: iso(m.latest.timestamp),
        ...(m.historyLength !== null ? { historyLength: m.historyLength } : {}),
        ...(m.latest.datasetName ? { datasetName: m.latest.datasetName, datasetDigest: m.latest.datasetDigest } : {}),
      })),
    });
  }
  if (note && note.trim()) runFacets.threadline_change = facet(SCHEMA.change, { reason: note, ...(user ? { author: user } : {}) });
  events.push({
    eventType: run.startTime === null && !ended ? "OTHER" : eventType,
    eventTime: iso(time),
    producer: MLFLOW_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA,
    run: { runId, facets: runFacets },
    job,
    inputs: run.inputs
      .map((input) => ({ ...datasetOf(input.dataset, namespace), inputFacets: inputFacetsOf(input.dataset, input.context, input.tags) }))
      .sort(byDataset),
    outputs: models.map((m) => loggedModelOutput(m, experiment, namespace)).sort(byDataset),
  });
  return events;
}

function jobOf(run: MlflowRun, experiment: MlflowExperiment, namespace: string): Json {
  const facets: Json = {
    jobType: facet(SCHEMA.jobType, { processingType: "BATCH", integration: "MLFLOW", jobType: "EXPERIMENT" }),
  };
  const description = experiment.tags["mlflow.note.content"];
  if (description && description.trim()) facets.documentation = facet(SCHEMA.jobDocumentation, { description });
  const user = run.tags["mlflow.user"] ?? run.userId;
  if (user) facets.ownership = facet(SCHEMA.ownership, { owners: [{ name: `user:${user}`, type: "USER" }] });
  const commit = run.tags["mlflow.source.git.commit"];
  const repo = run.tags["mlflow.source.git.repoURL"];
  const source = run.tags["mlflow.source.name"];
  if (commit || repo) {
    facets.sourceCodeLocation = facet(SCHEMA.sourceCodeLocation, {
      type: "git",
      url: repo ?? fileUrl(source) ?? `urn:git:${commit}`,
      ...(repo ? { repoUrl: repo } : {}),
      ...(source ? { path: source } : {}),
      ...(commit ? { version: commit } : {}),
      ...(run.tags["mlflow.source.git.branch"] ? { branch: run.tags["mlflow.source.git.branch"] } : {}),
    });
  } else if (source) {
    facets.sourceCodeLocation = facet(SCHEMA.sourceCodeLocation, {
      type: (run.tags["mlflow.source.type"] ?? "LOCAL").toLowerCase(),
      url: fileUrl(source)!,
      path: source,
    });
  }
  return { namespace, name: experiment.name, facets };
}

function parentOf(
  run: MlflowRun,
  runs: Map<string, MlflowRun>,
  experiments: Map<string, MlflowExperiment>,
  fallback: MlflowExperiment,
  namespace: string,
): Json | null {
  const parentId = run.tags["mlflow.parentRunId"];
  const uuid = parentId ? runIdToUuid(parentId) : null;
  if (!uuid) return null;
  const parent = runs.get(parentId!);
  const experiment = (parent && experiments.get(parent.experimentId)) ?? fallback;
  return facet(SCHEMA.parent, { run: { runId: uuid }, job: { namespace, name: experiment.name } });
}

/** Tags a person set (not MLflow's own `mlflow.*` bookkeeping), sorted, as the run's facet keeps them. */
function userTags(tags: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(tags).filter(([k]) => !k.startsWith("mlflow."));
  return entries.length ? Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : undefined;
}

// ---- datasets and models -------------------------------------------------------------------------

/**
 * Where a dataset lives, by OpenLineage's naming rules when MLflow knows its URI (s3://bucket/key ->
 * namespace s3://bucket, name key), so an MLflow input joins the pipeline that wrote that file;
 * otherwise (a DataFrame built in code) the MLflow namespace and the dataset's own name.
 */
export function datasetIdentity(dataset: MlflowDataset, namespace: string): { namespace: string; name: string } {
  const uri = sourceUri(dataset.source);
  if (uri) {
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(uri);
    if (m && m[1].toLowerCase() !== "file" && m[2]) return { namespace: `${m[1].toLowerCase()}://${m[2]}`, name: (m[3] ?? "/").replace(/^\/+/, "") || "/" };
    if (m && m[1].toLowerCase() === "file") return { namespace: "file", name: decodeURIComponent(m[3] ?? m[2]) };
    if (uri.startsWith("/")) return { namespace: "file", name: uri };
  }
  return { namespace, name: dataset.name };
}

function sourceUri(source: string): string | null {
  try {
    const parsed: unknown = JSON.parse(source);
    if (typeof parsed === "object" && parsed !== null) {
      const o = parsed as Record<string, unknown>;
      for (const field of ["uri", "url", "path", "location"]) if (typeof o[field] === "string" && o[field]) return o[field] as string;
    }
  } catch {
    // Not JSON: MLflow sources are JSON objects; anything else names no location.
  }
  return null;
}

function datasetOf(dataset: MlflowDataset, namespace: string): Json {
  const { namespace: ns, name } = datasetIdentity(dataset, namespace);
  const facets: Json = {
    version: facet(SCHEMA.version, { datasetVersion: dataset.digest }),
    threadline_mlflow: facet(SCHEMA.mlflowDataset, {
      name: dataset.name,
      digest: dataset.digest,
      sourceType: dataset.sourceType,
      source: dataset.source,
      ...(dataset.profile ? { profile: dataset.profile } : {}),
    }),
  };
  const fields = schemaFields(dataset.schema);
  if (fields.length > 0) facets.schema = facet(SCHEMA.schema, { fields });
  const uri = sourceUri(dataset.source);
  facets.dataSource = facet(SCHEMA.dataSource, { name: dataset.sourceType, ...(uri && /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { uri } : {}) });
  return { namespace: ns, name, facets };
}

function inputFacetsOf(dataset: MlflowDataset, context: string | null, tags: Record<string, string>): Json {
  const facets: Json = {
    threadline_mlflow: facet(SCHEMA.mlflowInput, { ...(context ? { context } : {}), ...(Object.keys(tags).length ? { tags: sortedRecord(tags) } : {}) }),
  };
  const rows = profileRows(dataset.profile);
  if (rows !== null) facets.inputStatistics = facet(SCHEMA.inputStatistics, { rowCount: rows });
  return facets;
}

/** MLflow ColSpec / TensorSpec JSON -> OpenLineage schema fields. */
function schemaFields(schema: string | null): { name: string; type?: string }[] {
  if (!schema) return [];
  try {
    const parsed = JSON.parse(schema) as Record<string, unknown>;
    const spec = parsed.mlflow_colspec ?? parsed.mlflow_tensorspec;
    const list = Array.isArray(spec) ? spec : [];
    return list.flatMap((c, i) => {
      if (typeof c !== "object" || c === null) return [];
      const col = c as Record<string, unknown>;
      return [{ name: typeof col.name === "string" ? col.name : `column_${i}`, ...(typeof col.type === "string" ? { type: col.type } : {}) }];
    });
  } catch {
    return [];
  }
}

function profileRows(profile: string | null): number | null {
  if (!profile) return null;
  try {
    const rows = (JSON.parse(profile) as Record<string, unknown>).num_rows;
    return typeof rows === "number" && Number.isInteger(rows) && rows >= 0 ? rows : null;
  } catch {
    return null;
  }
}

/** A logged model: dataset `<experiment>/<model name>` (a line of models per experiment), version = its id. */
export function loggedModelDatasetName(model: MlflowLoggedModel, experiment: MlflowExperiment): string {
  return `${experiment.name}/${model.name}`;
}

function loggedModelOutput(model: MlflowLoggedModel, experiment: MlflowExperiment, namespace: string): Json {
  const flavors = model.flavors.filter((f) => f !== "python_function");
  return {
    namespace,
    name: loggedModelDatasetName(model, experiment),
    facets: {
      datasetType: facet(SCHEMA.datasetType, { datasetType: "MODEL" }),
      version: facet(SCHEMA.version, { datasetVersion: model.id }),
      threadline_model: facet(SCHEMA.model, {
        ...(flavors[0] ? { framework: flavors[0] } : {}),
        modelId: model.id,
        ...(model.status ? { status: model.status } : {}),
        ...(model.flavors.length ? { flavors: model.flavors } : {}),
        ...(model.modelType ? { modelType: model.modelType } : {}),
      }),
    },
  };
}

/** A registered model is the dataset `models:/<name>` (MLflow's own URI for it); a version is its version. */
export function registeredModelDatasetName(name: string): string {
  return `models:/${name}`;
}

function versionOutput(v: MlflowModelVersion, namespace: string): Json {
  const facets: Json = {
    datasetType: facet(SCHEMA.datasetType, { datasetType: "MODEL" }),
    version: facet(SCHEMA.version, { datasetVersion: v.version }),
    threadline_model: facet(SCHEMA.model, {
      registeredModel: v.name,
      modelVersion: v.version,
      stage: v.currentStage ?? "None",
      aliases: v.aliases,
      ...(v.status ? { status: v.status } : {}),
      ...(v.source ? { source: v.source } : {}),
      ...(v.modelId ? { modelId: v.modelId } : {}),
    }),
  };
  if (v.description && v.description.trim()) facets.documentation = facet(SCHEMA.datasetDocumentation, { description: v.description });
  const tags = Object.entries(v.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (tags.length) facets.tags = facet(SCHEMA.datasetTags, { tags: tags.map(([key, value]) => ({ key, value, source: "MLFLOW" })) });
  return { namespace, name: registeredModelDatasetName(v.name), facets };
}

function versionTime(v: MlflowModelVersion): string {
  return iso(Math.max(v.creationTime ?? 0, v.lastUpdatedTime ?? 0));
}

/** A registered version made from a run's model: an OTHER event of that run (it adds, it does not end). */
function versionRunEvent(v: MlflowModelVersion, run: MlflowRun, runId: string, experiment: MlflowExperiment, namespace: string): Json {
  return {
    eventType: "OTHER",
    eventTime: versionTime(v),
    producer: MLFLOW_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA,
    run: { runId, facets: {} },
    job: { namespace, name: experiment.name },
    inputs: [],
    outputs: [versionOutput(v, namespace)],
  };
}

/** A version registered from outside any imported run: the dataset alone. */
function versionDatasetEvent(v: MlflowModelVersion, namespace: string): Json {
  const out = versionOutput(v, namespace);
  return { eventTime: versionTime(v), producer: MLFLOW_PRODUCER, schemaURL: DATASET_EVENT_SCHEMA, dataset: out };
}

// ---- helpers -------------------------------------------------------------------------------------

function facet(schemaURL: string, body: Json): Json {
  const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  return { _producer: MLFLOW_PRODUCER, _schemaURL: schemaURL, ...clean };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function fileUrl(source: string | undefined): string | null {
  if (!source) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return source;
  return `file:${encodeURI(source.replace(/\\/g, "/"))}`;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function byDataset(a: Json, b: Json): number {
  const ka = `${a.namespace}\u0000${a.name}\u0000${JSON.stringify((a.facets as Json).version)}`;
  const kb = `${b.namespace}\u0000${b.name}\u0000${JSON.stringify((b.facets as Json).version)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Parents before children (start time), then id: the order MLflow created them in. */
function byRunOrder(a: MlflowRun, b: MlflowRun): number {
  return (a.startTime ?? 0) - (b.startTime ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function byVersionOrder(a: MlflowModelVersion, b: MlflowModelVersion): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.version) - Number(b.version);
}
