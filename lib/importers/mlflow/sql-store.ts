import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ImportError } from "../errors";
import { modelVersionOf, num, text } from "./values";
import { loggedModelsFromHistory } from "./file-store";
import { emptySkipCounts, parseRunStatus, summariseMetrics } from "./model";
import type { MlflowDataset, MlflowDatasetInput, MlflowLoggedModel, MlflowMetricPoint, MlflowRun, MlflowSnapshot } from "./model";

/**
 * Reads MLflow's SQL store from its SQLite database (`mlflow.db`, the default store from MLflow 3
 * on), read-only, with the schema MLflow's Alembic migrations create (tests/resources/db and
 * mlflow/store/db_migrations in MLflow's source): experiments, experiment_tags, runs, params, tags,
 * metrics, datasets, inputs, input_tags, logged_models (+ params, tags), registered_models,
 * model_versions, model_version_tags, registered_model_aliases.
 *
 * Tables and columns it does not know are ignored, and tables an older schema lacks (datasets
 * before 2.4, logged models before 3.0, aliases before 2.3) read as empty: one reader for every
 * schema version. `inputs` holds both dataset inputs (DATASET -> RUN) and MLflow 3 run outputs
 * (RUN_OUTPUT -> MODEL_OUTPUT).
 */

const SQLITE_HEADER = "SQLite format 3\u0000";

export function isSqliteFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    const fd = fs.openSync(file, "r");
    try {
      const header = Buffer.alloc(16);
      fs.readSync(fd, header, 0, 16, 0);
      return header.toString("latin1") === SQLITE_HEADER;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

type Row = Record<string, unknown>;

export function readSqlStore(fileArg: string): MlflowSnapshot {
  const file = path.resolve(fileArg);
  if (!fs.existsSync(file)) throw new ImportError(file, "no such file");
  if (!isSqliteFile(file)) throw new ImportError(file, "not a SQLite database (an MLflow SQL store is mlflow.db)");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
    if (!tables.has("experiments") || !tables.has("runs")) {
      throw new ImportError(file, "not an MLflow SQL store: it has no experiments and runs tables");
    }
    // One consistent state of the store, however MLflow writes meanwhile.
    return db.transaction(() => readTables(db, tables, file))();
  } finally {
    db.close();
  }
}

function readTables(db: Database.Database, tables: Set<string>, file: string): MlflowSnapshot {
  const all = (table: string): Row[] => (tables.has(table) ? db.prepare<[], Row>(`SELECT * FROM "${table}"`).all() : []);
  const snapshot: MlflowSnapshot = {
    trackingUri: `sqlite:///${file.replace(/^\/+/, "")}`,
    experiments: [],
    runs: [],
    loggedModels: [],
    modelVersions: [],
    skipped: emptySkipCounts(),
  };

  const experimentTags = groupKeyValues(all("experiment_tags"), "experiment_id", "key", "value");
  const active = new Set<string>();
  for (const e of all("experiments")) {
    const id = String(e.experiment_id);
    if (e.lifecycle_stage === "deleted") {
      snapshot.skipped.deletedExperiments++;
      continue;
    }
    active.add(id);
    snapshot.experiments.push({
      id,
      name: String(e.name),
      artifactLocation: text(e.artifact_location),
      creationTime: num(e.creation_time),
      lastUpdateTime: num(e.last_update_time),
      tags: experimentTags.get(id) ?? {},
    });
  }

  const params = groupKeyValues(all("params"), "run_uuid", "key", "value");
  const tags = groupKeyValues(all("tags"), "run_uuid", "key", "value");
  const points = new Map<string, MlflowMetricPoint[]>();
  for (const m of all("metrics")) {
    const runId = String(m.run_uuid);
    const list = points.get(runId) ?? [];
    list.push({ key: String(m.key), value: Number(m.is_nan) === 1 ? NaN : Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step ?? 0) });
    points.set(runId, list);
  }

  const datasets = new Map<string, MlflowDataset>();
  for (const d of all("datasets")) {
    datasets.set(String(d.dataset_uuid), {
      name: String(d.name),
      digest: String(d.digest),
      sourceType: String(d.dataset_source_type ?? "unknown"),
      source: String(d.dataset_source ?? ""),
      schema: text(d.dataset_schema),
      profile: text(d.dataset_profile),
    });
  }
  const inputTags = groupKeyValues(all("input_tags"), "input_uuid", "name", "value");
  const inputsByRun = new Map<string, MlflowDatasetInput[]>();
  const outputsByRun = new Map<string, string[]>();
  for (const i of all("inputs")) {
    if (i.source_type === "DATASET" && i.destination_type === "RUN") {
      const dataset = datasets.get(String(i.source_id));
      if (!dataset) throw new ImportError(`${file} (inputs ${String(i.input_uuid)})`, `names dataset ${String(i.source_id)}, which the datasets table does not hold`);
      const t = inputTags.get(String(i.input_uuid)) ?? {};
      const runId = String(i.destination_id);
      inputsByRun.set(runId, [...(inputsByRun.get(runId) ?? []), { dataset, context: t["mlflow.data.context"] ?? null, tags: t }]);
    } else if (i.destination_type === "MODEL_OUTPUT") {
      const runId = String(i.source_id);
      outputsByRun.set(runId, [...(outputsByRun.get(runId) ?? []), String(i.destination_id)]);
    }
  }

  for (const r of all("runs")) {
    const id = String(r.run_uuid);
    if (r.lifecycle_stage === "deleted" || !active.has(String(r.experiment_id))) {
      snapshot.skipped.deletedRuns++;
      continue;
    }
    const status = parseRunStatus(r.status);
    if (status === null) throw new ImportError(`${file} (runs ${id})`, `status ${JSON.stringify(r.status)} is not an MLflow run status`);
    const runTags = tags.get(id) ?? {};
    const run: MlflowRun = {
      id,
      experimentId: String(r.experiment_id),
      name: runTags["mlflow.runName"] ?? text(r.name),
      status,
      startTime: num(r.start_time),
      endTime: num(r.end_time),
      userId: text(r.user_id),
      artifactUri: text(r.artifact_uri),
      params: params.get(id) ?? {},
      tags: runTags,
      metrics: summariseMetrics(points.get(id) ?? []),
      inputs: (inputsByRun.get(id) ?? []).sort((a, b) => (a.dataset.name + a.dataset.digest < b.dataset.name + b.dataset.digest ? -1 : 1)),
      outputModelIds: (outputsByRun.get(id) ?? []).sort(),
    };
    snapshot.runs.push(run);
    snapshot.loggedModels.push(...loggedModelsFromHistory(run));
  }

  const modelParams = groupKeyValues(all("logged_model_params"), "model_id", "param_key", "param_value");
  const modelTags = groupKeyValues(all("logged_model_tags"), "model_id", "tag_key", "tag_value");
  for (const m of all("logged_models")) {
    if (m.lifecycle_stage === "deleted" || !active.has(String(m.experiment_id))) continue;
    const id = String(m.model_id);
    snapshot.loggedModels.push({
      id,
      experimentId: String(m.experiment_id),
      name: String(m.name ?? "model"),
      sourceRunId: text(m.source_run_id),
      status: LOGGED_MODEL_STATUS[String(m.status)] ?? text(m.status),
      creationTime: num(m.creation_timestamp_ms),
      lastUpdatedTime: num(m.last_updated_timestamp_ms),
      modelType: text(m.model_type),
      flavors: [],
      params: modelParams.get(id) ?? {},
      tags: modelTags.get(id) ?? {},
    } satisfies MlflowLoggedModel);
  }

  const versionTags = groupKeyValues(all("model_version_tags"), "__key", "key", "value", (row) => `${String(row.name)}\u0000${String(row.version)}`);
  const aliases = new Map<string, string[]>();
  for (const a of all("registered_model_aliases")) {
    const key = `${String(a.name)}\u0000${String(a.version)}`;
    aliases.set(key, [...(aliases.get(key) ?? []), String(a.alias)].sort());
  }
  for (const v of all("model_versions")) {
    if (v.current_stage === "Deleted_Internal") continue;
    const key = `${String(v.name)}\u0000${String(v.version)}`;
    snapshot.modelVersions.push(modelVersionOf(v, { aliases: aliases.get(key) ?? [], tags: versionTags.get(key) ?? {} }));
  }
  return snapshot;
}

/** LoggedModelStatus numbers (service.proto), as the logged_models table stores them. */
const LOGGED_MODEL_STATUS: Record<string, string> = { "1": "PENDING", "2": "READY", "3": "UPLOAD_FAILED" };


function groupKeyValues(
  rows: Row[],
  ownerColumn: string,
  keyColumn: string,
  valueColumn: string,
  ownerOf: (row: Row) => string = (row) => String(row[ownerColumn]),
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const owner = ownerOf(row);
    const record = out.get(owner) ?? {};
    record[String(row[keyColumn])] = row[valueColumn] === null || row[valueColumn] === undefined ? "" : String(row[valueColumn]);
    out.set(owner, record);
  }
  return out;
}


