/**
 * The MLflow importer's benchmark: writes a synthetic MLflow file store in MLflow's own layout
 * (10,000 runs by default: params, metric histories, tags, nested runs, dataset inputs, a model
 * registry), imports it with `importSnapshot` through the ingest service into a fresh store, and
 * ingests the same events in plain batches into another, so the importer's cost (reading YAML and
 * metric files, mapping) shows next to the ingest it feeds. A re-import (every event a duplicate)
 * is timed too.
 */
import fs from "node:fs";
import path from "node:path";
import { openSqlite, storeOver } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import { readFileStore } from "@/lib/importers/mlflow/file-store";
import { importSnapshot, type Sink } from "@/lib/importers/mlflow/import";
import { mapSnapshot } from "@/lib/importers/mlflow/to-openlineage";
import { seededRandom } from "../../harness/random";
import { createMigratedDatabase, removeDatabase } from "./store";

export interface MlflowBenchFigures {
  runs: number;
  experiments: number;
  modelVersions: number;
  events: number;
  writeStoreMs: number;
  readMs: number;
  mapMs: number;
  /** Read + map + ingest, what `npm run import:mlflow` costs end to end (process start aside). */
  importMs: number;
  runsPerSecond: number;
  eventsPerSecond: number;
  /** The same events through ingestEvents in batches of 1,000, nothing else. */
  ingestOnlyMs: number;
  ingestOnlyEventsPerSecond: number;
  /** A second import of the unchanged store: every event comes back a duplicate. */
  reimportMs: number;
}


const hex = (rand: () => number, n = 32) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");

/** Writes `runs` runs over `experiments` experiments in MLflow's file-store layout (2.x/3.x). */
export function writeSyntheticMlflowStore(root: string, options: { runs: number; experiments: number; seed: number }) {
  const rand = seededRandom(options.seed);
  fs.rmSync(root, { recursive: true, force: true });
  const t0 = Date.UTC(2025, 0, 1);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const registered: { run: string; exp: string }[] = [];
  for (let e = 0; e < options.experiments; e++) {
    const exp = String(100 + e);
    write(path.join(root, exp, "meta.yaml"), `artifact_location: file:///bench/mlruns/${exp}\ncreation_time: ${t0}\nexperiment_id: '${exp}'\nlast_update_time: ${t0}\nlifecycle_stage: active\nname: bench-experiment-${e}\n`);
    const datasets = Array.from({ length: 4 }, (_, d) => {
      const id = hex(rand);
      const digest = hex(rand, 8);
      write(
        path.join(root, exp, "datasets", id, "meta.yaml"),
        `digest: ${digest}\nname: features-${d}\nprofile: '{"num_rows": ${1000 + d}}'\nschema: '{"mlflow_colspec": [{"type": "double", "name": "x", "required": true}]}'\nsource: '{"uri": "s3://bench-lake/features/${d}.parquet"}'\nsource_type: s3\n`,
      );
      return id;
    });
    let parent: string | null = null;
    const perExperiment = Math.ceil(options.runs / options.experiments);
    for (let r = 0; r < perExperiment && e * perExperiment + r < options.runs; r++) {
      const id = hex(rand);
      const dir = path.join(root, exp, id);
      const start = t0 + (e * perExperiment + r) * 60_000;
      const status = rand() < 0.9 ? 3 : 4;
      write(
        path.join(dir, "meta.yaml"),
        `artifact_uri: file:///bench/mlruns/${exp}/${id}/artifacts\nend_time: ${start + 50_000}\nentry_point_name: ''\nexperiment_id: '${exp}'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${e}-${r}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${start}\nstatus: ${status}\ntags: []\nuser_id: bench\n`,
      );
      for (const [k, v] of [["learning_rate", (rand() / 10).toFixed(4)], ["max_depth", String(2 + Math.floor(rand() * 8))], ["n_estimators", String(50 * (1 + Math.floor(rand() * 8)))], ["seed", String(r)], ["optimizer", rand() < 0.5 ? "adam" : "sgd"]]) {
        write(path.join(dir, "params", k), v);
      }
      for (const key of ["loss", "val_loss", "accuracy"]) {
        const lines = Array.from({ length: 20 }, (_, step) => `${start + step * 1000} ${rand()} ${step}`);
        write(path.join(dir, "metrics", key), lines.join("\n") + "\n");
      }
      write(path.join(dir, "tags", "mlflow.runName"), `run-${e}-${r}`);
      write(path.join(dir, "tags", "mlflow.user"), "bench");
      write(path.join(dir, "tags", "mlflow.source.name"), "train.py");
      write(path.join(dir, "tags", "mlflow.source.type"), "LOCAL");
      write(path.join(dir, "tags", "mlflow.source.git.commit"), hex(rand, 40));
      // Every tenth run starts a sweep; the next nine are its children.
      if (r % 10 === 0) parent = id;
      else if (parent) write(path.join(dir, "tags", "mlflow.parentRunId"), parent);
      if (r % 2 === 0) {
        const d = datasets[Math.floor(rand() * datasets.length)];
        write(path.join(dir, "inputs", hex(rand), "meta.yaml"), `destination_id: ${d}\ndestination_type: RUN\nsource_id: ${d}\nsource_type: DATASET\ntags:\n  mlflow.data.context: train\n`);
      }
      if (r % 50 === 0) registered.push({ run: id, exp });
    }
  }
  const model = path.join(root, "models", "bench-model");
  write(path.join(model, "meta.yaml"), `aliases:\n  champion: '${registered.length}'\ncreation_timestamp: ${t0}\ndescription: ''\nlast_updated_timestamp: ${t0}\nname: bench-model\n`);
  registered.forEach((r, i) => {
    write(
      path.join(model, `version-${i + 1}`, "meta.yaml"),
      `aliases: []\ncreation_timestamp: ${t0 + i}\ncurrent_stage: ${i === registered.length - 1 ? "Production" : "None"}\ndescription: ''\nlast_updated_timestamp: ${t0 + i}\nname: bench-model\nrun_id: ${r.run}\nsource: file:///bench/mlruns/${r.exp}/${r.run}/artifacts/model\nstatus: READY\nuser_id: null\nversion: ${i + 1}\n`,
    );
  });
  return { versions: registered.length };
}

export async function runMlflowBench(work: string, options: { runs: number; seed: number }, log: (line: string) => void): Promise<MlflowBenchFigures> {
  const root = path.join(work, "mlflow-bench", "mlruns");
  let t = performance.now();
  writeSyntheticMlflowStore(root, { runs: options.runs, experiments: 10, seed: options.seed });
  const writeStoreMs = performance.now() - t;
  log(`MLflow: wrote a ${options.runs}-run file store in ${Math.round(writeStoreMs)} ms`);

  const importedDb = path.join(work, "mlflow-bench", "imported.db");
  await createMigratedDatabase(importedDb);
  const db = openSqlite(importedDb);
  const sink: Sink = async (events) => ingestEvents(storeOver(db), events, { sender: "mlflow-import" });
  let readMs = 0;
  t = performance.now();
  const start = performance.now();
  const snapshot = readFileStore(root);
  readMs = performance.now() - t;
  t = performance.now();
  const mapping = mapSnapshot(snapshot);
  const mapMs = performance.now() - t;
  const summary = await importSnapshot(snapshot, sink, { batchSize: 1000 });
  const importMs = performance.now() - start - mapMs; // importSnapshot maps again: count the mapping once
  t = performance.now();
  await importSnapshot(readFileStore(root), sink, { batchSize: 1000 });
  const reimportMs = performance.now() - t;
  db.close();
  const events = mapping.units.flatMap((u) => u.events);
  log(`MLflow: imported ${summary.runs} runs (${summary.events.created} events) in ${Math.round(importMs)} ms (read ${Math.round(readMs)} ms, map ${Math.round(mapMs)} ms); re-import ${Math.round(reimportMs)} ms`);

  const plainDb = path.join(work, "mlflow-bench", "plain.db");
  await createMigratedDatabase(plainDb);
  const plain = openSqlite(plainDb);
  t = performance.now();
  for (let i = 0; i < events.length; i += 1000) await ingestEvents(storeOver(plain), events.slice(i, i + 1000), { sender: "bench" });
  const ingestOnlyMs = performance.now() - t;
  plain.close();
  removeDatabase(importedDb);
  removeDatabase(plainDb);
  log(`MLflow: the same ${events.length} events as plain batches: ${Math.round(ingestOnlyMs)} ms`);

  return {
    runs: summary.runs,
    experiments: summary.experiments,
    modelVersions: summary.modelVersions,
    events: events.length,
    writeStoreMs,
    readMs,
    mapMs,
    importMs,
    runsPerSecond: (summary.runs / importMs) * 1000,
    eventsPerSecond: (events.length / importMs) * 1000,
    ingestOnlyMs,
    ingestOnlyEventsPerSecond: (events.length / ingestOnlyMs) * 1000,
    reimportMs,
  };
}
