/**
 * Helpers for the MLflow importer's tests: the in-process sink (Threadline's ingest service on a
 * test database), copies of the fixture stores, and counts read straight from a store's files, so
 * a test compares the importer with the files rather than with itself.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { storeOver, type Sqlite } from "@/lib/server/db";
import { ingestEvents } from "@/lib/server/ingest";
import type { Sink } from "@/lib/importers/mlflow/import";

export const MLFLOW_FIXTURES = path.resolve(__dirname, "../fixtures/mlflow");

export function ingestSink(db: Sqlite): Sink {
  return async (events) => await ingestEvents(storeOver(db), events, { sender: "mlflow-import" });
}

/** A writable copy of a fixture store (its mlruns/ folder) in a temp folder. */
export function copyFixtureStore(fixture: string): { root: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-mlflow-"));
  const root = path.join(dir, "mlruns");
  fs.cpSync(path.join(MLFLOW_FIXTURES, fixture, "mlruns"), root, { recursive: true });
  return { root, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function dirs(p: string): string[] {
  return fs.existsSync(p) ? fs.readdirSync(p).filter((n) => fs.statSync(path.join(p, n)).isDirectory()).sort() : [];
}

const isDeleted = (metaFile: string) => /^lifecycle_stage: deleted$/m.test(fs.readFileSync(metaFile, "utf8"));

/** What a file store holds, counted from its files: active runs, nested runs, deleted runs, datasets, registry versions. */
export function countStoreFiles(root: string) {
  const active: string[] = [];
  const deleted: string[] = [];
  const nested: string[] = [];
  let datasets = 0;
  for (const exp of dirs(root)) {
    const expMeta = path.join(root, exp, "meta.yaml");
    if (!fs.existsSync(expMeta) || !/^experiment_id:/m.test(fs.readFileSync(expMeta, "utf8"))) continue;
    datasets += dirs(path.join(root, exp, "datasets")).length;
    for (const run of dirs(path.join(root, exp))) {
      const meta = path.join(root, exp, run, "meta.yaml");
      if (!fs.existsSync(meta) || run === "models" || run === "datasets" || run === "tags") continue;
      if (isDeleted(meta)) deleted.push(run);
      else {
        active.push(run);
        if (fs.existsSync(path.join(root, exp, run, "tags", "mlflow.parentRunId"))) nested.push(run);
      }
    }
  }
  const versions = dirs(path.join(root, "models")).flatMap((m) => dirs(path.join(root, "models", m)).filter((v) => /^version-\d+$/.test(v)));
  return { active, deleted, nested, datasets, versions: versions.length };
}
