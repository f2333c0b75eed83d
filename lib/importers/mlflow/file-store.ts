import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseYaml } from "yaml";
import { emptySkipCounts, parseRunStatus, summariseMetrics } from "./model";
import type { MlflowDataset, MlflowDatasetInput, MlflowExperiment, MlflowLoggedModel, MlflowMetricPoint, MlflowModelVersion, MlflowRun, MlflowSnapshot } from "./model";
import { ImportError } from "../errors";
import { isObject, modelVersionOf, num, text } from "./values";

/**
 * Reads an MLflow file store (`mlruns/`, the layout MLflow's FileStore writes) in its 1.x, 2.x and
 * 3.x forms:
 *
 *   <root>/<experiment id>/meta.yaml            experiment (name, lifecycle_stage, times)
 *   <root>/<experiment id>/tags/<key>           experiment tags (mlflow.note.content: description)
 *   <root>/<experiment id>/<run id>/meta.yaml   run (status as a number, times, 1.x `name`)
 *             .../params/<key>, tags/<key>, metrics/<key> (one "timestamp value step [run] [dataset digest]" line per point)
 *             .../inputs/<id>/meta.yaml         dataset input (source_id -> datasets/<id>, tags: context)
 *             .../outputs/<id>/meta.yaml        MLflow 3 run output (a logged model id)
 *   <root>/<experiment id>/datasets/<id>/meta.yaml   dataset (name, digest, source, schema, profile)
 *   <root>/<experiment id>/models/m-…/          MLflow 3 logged model (meta.yaml, params, metrics, tags)
 *   <root>/models/<name>/meta.yaml, version-N/meta.yaml, aliases/<alias>   model registry
 *
 * Tag and param keys may contain "/", which MLflow stores as sub-folders: key folders are read
 * recursively. Deleted experiments (`.trash/` or `lifecycle_stage: deleted`) and deleted runs are
 * skipped and counted; folders without a meta.yaml (a store nested by mistake, an artifact store)
 * and stray files are ignored and counted, as MLflow's own FileStore skips them.
 *
 * Everything is read before anything is returned, so a corrupt meta.yaml stops the import before a
 * single event is written; the error names the file.
 */

const EXPERIMENT_CHILDREN = new Set(["meta.yaml", "tags", "datasets", "models", "traces"]);
const DELETED_STAGE = "Deleted_Internal";

export function isFileStore(root: string): boolean {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return false;
  return sortedEntries(root).some((e) => {
    if (!e.isDirectory()) return false;
    const meta = path.join(root, e.name, "meta.yaml");
    if (fs.existsSync(meta)) return /^experiment_id:/m.test(fs.readFileSync(meta, "utf8"));
    // A registry alone: models/<name>/version-N/.
    return e.name === "models" && sortedEntries(path.join(root, e.name)).some((m) => fs.existsSync(path.join(root, e.name, m.name, "version-1")));
  });
}

export function readFileStore(rootArg: string): MlflowSnapshot {
  const root = path.resolve(rootArg);
  if (!fs.existsSync(root)) throw new ImportError(root, "no such file or folder");
  if (!isFileStore(root)) {
    throw new ImportError(root, "not an MLflow tracking store: no experiment folder with a meta.yaml and no models/ registry");
  }
  const snapshot: MlflowSnapshot = {
    trackingUri: pathToFileURL(root).href,
    experiments: [],
    runs: [],
    loggedModels: [],
    modelVersions: [],
    skipped: emptySkipCounts(),
  };

  for (const entry of sortedEntries(root)) {
    const full = path.join(root, entry.name);
    if (entry.name === ".trash") {
      for (const deleted of sortedEntries(full)) {
        if (!deleted.isDirectory()) continue;
        snapshot.skipped.deletedExperiments++;
        snapshot.skipped.deletedRuns += sortedEntries(path.join(full, deleted.name)).filter((r) => isRunFolder(path.join(full, deleted.name, r.name))).length;
      }
      continue;
    }
    if (entry.name === "models" && entry.isDirectory() && !fs.existsSync(path.join(full, "meta.yaml"))) {
      snapshot.modelVersions.push(...readRegistry(full));
      continue;
    }
    if (!entry.isDirectory() || !fs.existsSync(path.join(full, "meta.yaml"))) {
      snapshot.skipped.strayEntries++;
      continue;
    }
    readExperiment(full, snapshot);
  }
  return snapshot;
}

function readExperiment(dir: string, snapshot: MlflowSnapshot): void {
  const meta = readMeta(path.join(dir, "meta.yaml"));
  const id = requiredText(meta, "experiment_id", path.join(dir, "meta.yaml"));
  const runFolders = sortedEntries(dir).filter((e) => !EXPERIMENT_CHILDREN.has(e.name));
  if (meta.lifecycle_stage === "deleted") {
    snapshot.skipped.deletedExperiments++;
    snapshot.skipped.deletedRuns += runFolders.filter((e) => isRunFolder(path.join(dir, e.name))).length;
    return;
  }
  const experiment: MlflowExperiment = {
    id,
    name: requiredText(meta, "name", path.join(dir, "meta.yaml")),
    artifactLocation: text(meta.artifact_location),
    creationTime: num(meta.creation_time),
    lastUpdateTime: num(meta.last_update_time),
    tags: readKeyFiles(path.join(dir, "tags")),
  };
  snapshot.experiments.push(experiment);

  const datasets = readDatasets(path.join(dir, "datasets"));
  for (const entry of runFolders) {
    const runDir = path.join(dir, entry.name);
    if (!isRunFolder(runDir)) {
      snapshot.skipped.strayEntries++;
      continue;
    }
    const run = readRun(runDir, id, datasets);
    if (run === "deleted") snapshot.skipped.deletedRuns++;
    else snapshot.runs.push(run);
  }
  const modelsDir = path.join(dir, "models");
  for (const entry of sortedEntries(modelsDir)) {
    const modelDir = path.join(modelsDir, entry.name);
    if (!entry.isDirectory() || !fs.existsSync(path.join(modelDir, "meta.yaml"))) continue;
    const model = readLoggedModel(modelDir, id);
    if (model) snapshot.loggedModels.push(model);
  }
  // MLflow 2.x logged models exist only as the `mlflow.log-model.history` tag of their run.
  for (const run of snapshot.runs.filter((r) => r.experimentId === id)) {
    snapshot.loggedModels.push(...loggedModelsFromHistory(run));
  }
}

function isRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, "meta.yaml")) && fs.statSync(dir).isDirectory();
}

function readRun(dir: string, experimentId: string, datasets: Map<string, MlflowDataset>): MlflowRun | "deleted" {
  const metaFile = path.join(dir, "meta.yaml");
  const meta = readMeta(metaFile);
  if (meta.lifecycle_stage === "deleted") return "deleted";
  const id = text(meta.run_id) ?? text(meta.run_uuid) ?? path.basename(dir);
  const status = parseRunStatus(meta.status);
  if (status === null) throw new ImportError(metaFile, `status ${JSON.stringify(meta.status)} is not an MLflow run status`);
  const tags = readKeyFiles(path.join(dir, "tags"));
  const params = readKeyFiles(path.join(dir, "params"), { trimFinalNewline: true });
  const points: MlflowMetricPoint[] = [];
  for (const [key, file] of keyFiles(path.join(dir, "metrics"))) points.push(...readMetricFile(file, key));
  const inputs: MlflowDatasetInput[] = [];
  for (const entry of sortedEntries(path.join(dir, "inputs"))) {
    const inputMeta = path.join(dir, "inputs", entry.name, "meta.yaml");
    if (!fs.existsSync(inputMeta)) continue;
    const input = readMeta(inputMeta);
    if (input.source_type !== "DATASET") continue;
    const dataset = datasets.get(String(input.source_id));
    if (!dataset) throw new ImportError(inputMeta, `names dataset ${String(input.source_id)}, which the experiment's datasets/ folder does not hold`);
    const inputTags = isObject(input.tags) ? stringRecord(input.tags) : {};
    inputs.push({ dataset, context: inputTags["mlflow.data.context"] ?? null, tags: inputTags });
  }
  const outputModelIds: string[] = [];
  for (const entry of sortedEntries(path.join(dir, "outputs"))) {
    const outputMeta = path.join(dir, "outputs", entry.name, "meta.yaml");
    if (!fs.existsSync(outputMeta)) continue;
    const output = readMeta(outputMeta);
    if (output.destination_type === "MODEL_OUTPUT") outputModelIds.push(String(output.destination_id));
  }
  return {
    id,
    experimentId,
    name: tags["mlflow.runName"] ?? text(meta.run_name) ?? text(meta.name),
    status,
    startTime: num(meta.start_time),
    endTime: num(meta.end_time),
    userId: text(meta.user_id),
    artifactUri: text(meta.artifact_uri),
    params,
    tags,
    metrics: summariseMetrics(points),
    inputs,
    outputModelIds,
  };
}

function readDatasets(dir: string): Map<string, MlflowDataset> {
  const datasets = new Map<string, MlflowDataset>();
  for (const entry of sortedEntries(dir)) {
    const file = path.join(dir, entry.name, "meta.yaml");
    if (!fs.existsSync(file)) continue;
    const meta = readMeta(file);
    datasets.set(entry.name, {
      name: requiredText(meta, "name", file),
      digest: requiredText(meta, "digest", file),
      sourceType: text(meta.source_type) ?? "unknown",
      source: text(meta.source) ?? "",
      schema: text(meta.schema),
      profile: text(meta.profile),
    });
  }
  return datasets;
}

/** LoggedModelStatus numbers as the file store writes them (service.proto). */
const LOGGED_MODEL_STATUS: Record<string, string> = { "1": "PENDING", "2": "READY", "3": "UPLOAD_FAILED" };

function readLoggedModel(dir: string, experimentId: string): MlflowLoggedModel | null {
  const file = path.join(dir, "meta.yaml");
  const meta = readMeta(file);
  if (meta.lifecycle_stage === "deleted") return null;
  return {
    id: requiredText(meta, "model_id", file),
    experimentId,
    name: text(meta.name) ?? "model",
    sourceRunId: text(meta.source_run_id),
    status: LOGGED_MODEL_STATUS[String(meta.status)] ?? text(meta.status),
    creationTime: num(meta.creation_timestamp),
    lastUpdatedTime: num(meta.last_updated_timestamp),
    modelType: text(meta.model_type),
    flavors: [],
    params: readKeyFiles(path.join(dir, "params"), { trimFinalNewline: true }),
    tags: readKeyFiles(path.join(dir, "tags")),
  };
}

/** The models a 2.x run logged, from its `mlflow.log-model.history` tag (a JSON list). */
export function loggedModelsFromHistory(run: MlflowRun): MlflowLoggedModel[] {
  const raw = run.tags["mlflow.log-model.history"];
  if (!raw) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((e): MlflowLoggedModel[] => {
    if (!isObject(e) || typeof e.artifact_path !== "string") return [];
    const created = typeof e.utc_time_created === "string" ? Date.parse(`${e.utc_time_created.replace(" ", "T")}Z`) : NaN;
    return [
      {
        id: typeof e.model_uuid === "string" ? e.model_uuid : `${run.id}/${e.artifact_path}`,
        experimentId: run.experimentId,
        name: e.artifact_path,
        sourceRunId: run.id,
        status: null,
        creationTime: Number.isNaN(created) ? null : created,
        lastUpdatedTime: null,
        modelType: null,
        flavors: isObject(e.flavors) ? Object.keys(e.flavors).sort() : [],
        params: {},
        tags: {},
      },
    ];
  });
}

function readRegistry(dir: string): MlflowModelVersion[] {
  const versions: MlflowModelVersion[] = [];
  for (const entry of sortedEntries(dir)) {
    const modelDir = path.join(dir, entry.name);
    const metaFile = path.join(modelDir, "meta.yaml");
    if (!entry.isDirectory() || !fs.existsSync(metaFile)) continue;
    const meta = readMeta(metaFile);
    const name = requiredText(meta, "name", metaFile);
    // Aliases live in the registered model's meta.yaml (alias -> version) and as aliases/<alias> files.
    const aliasToVersion = new Map<string, string>();
    if (isObject(meta.aliases)) for (const [alias, v] of Object.entries(meta.aliases)) aliasToVersion.set(alias, String(v));
    for (const [alias, value] of Object.entries(readKeyFiles(path.join(modelDir, "aliases")))) aliasToVersion.set(alias, value.trim());
    for (const v of sortedEntries(modelDir)) {
      if (!/^version-\d+$/.test(v.name)) continue;
      const file = path.join(modelDir, v.name, "meta.yaml");
      if (!fs.existsSync(file)) continue;
      const vm = readMeta(file);
      if (vm.current_stage === DELETED_STAGE) continue;
      const version = requiredText(vm, "version", file);
      const aliases = [...aliasToVersion.entries()].filter(([, to]) => to === version).map(([alias]) => alias).sort();
      versions.push(modelVersionOf(vm, { name, version, aliases, tags: readKeyFiles(path.join(modelDir, v.name, "tags")) }));
    }
  }
  return versions;
}

// ---- small readers ---------------------------------------------------------------------------

type Meta = Record<string, unknown>;

function readMeta(file: string): Meta {
  let parsed: unknown;
  try {
    parsed = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ImportError(file, `not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (!isObject(parsed)) throw new ImportError(file, "not an MLflow meta.yaml (expected a mapping of fields)");
  return parsed;
}

/** Reads one metric file: one point per line, "timestamp value step [run_id] [dataset_name dataset_digest]". */
function readMetricFile(file: string, key: string): MlflowMetricPoint[] {
  const points: MlflowMetricPoint[] = [];
  fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const parts = line.trim().split(/\s+/);
    const timestamp = Number(parts[0]);
    const value = Number(parts[1]);
    const step = parts.length > 2 ? Number(parts[2]) : 0;
    const isBadValue = Number.isNaN(value) && parts[1]?.toLowerCase() !== "nan";
    if (parts.length < 2 || !Number.isFinite(timestamp) || isBadValue || !Number.isFinite(step)) {
      throw new ImportError(`${file}:${i + 1}`, `not a metric line ("timestamp value step"): ${line.slice(0, 80)}`);
    }
    // Six fields: run id then dataset (logged-model metrics); five: dataset only (MLflow 3 run metrics).
    const rest = parts.slice(3);
    const withRun = rest.length === 3 || rest.length === 1;
    const dataset = withRun ? rest.slice(1) : rest;
    points.push({
      key,
      value,
      timestamp,
      step,
      ...(dataset.length === 2 ? { datasetName: dataset[0], datasetDigest: dataset[1] } : {}),
    });
  });
  return points;
}

/** key -> file for every file under `dir`; keys with "/" are nested folders. */
function keyFiles(dir: string, prefix = ""): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of sortedEntries(dir)) {
    const full = path.join(dir, entry.name);
    const key = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...keyFiles(full, key));
    else out.push([key, full]);
  }
  return out;
}

function readKeyFiles(dir: string, options: { trimFinalNewline?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, file] of keyFiles(dir)) {
    const value = fs.readFileSync(file, "utf8");
    // MLflow writes a param verbatim, without a newline; one at the end was added by an editor or git.
    out[key] = options.trimFinalNewline ? value.replace(/\r?\n$/, "") : value;
  }
  return out;
}

function sortedEntries(dir: string): fs.Dirent[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}



function requiredText(meta: Meta, field: string, file: string): string {
  const value = text(meta[field]);
  if (value === null) throw new ImportError(file, `has no ${field}`);
  return value;
}


function stringRecord(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}
