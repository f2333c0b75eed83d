import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSnapshot } from "@/lib/importers/mlflow/import";
import { runIdToUuid } from "@/lib/importers/mlflow/model";
import { openSource } from "@/lib/importers/mlflow/sources";
import { readSqlStore } from "@/lib/importers/mlflow/sql-store";
import { createTestDatabase } from "../support/db";
import { ingestSink } from "../support/mlflow";
import { MLFLOW_SQLITE_SCHEMA } from "../support/mlflow-sql-schema";

/**
 * The SQL store (mlflow.db): a SQLite database with MLflow's schema, filled the way MLflow's
 * SqlAlchemyStore fills it (a parent run with two children, one deleted run, a metric history, a
 * dataset input, an MLflow 3 logged model and run output, one run feeding two registered models,
 * aliases), plus a table MLflow has and the importer does not read, imported with the same facts.
 */

const PARENT = "11111111111111111111111111111111";
const CHILD = "22222222222222222222222222222222";
const DELETED = "33333333333333333333333333333333";
const T0 = Date.UTC(2025, 5, 1, 9);

let dir: string;
let mlflowDb: string;
let store: ReturnType<typeof createTestDatabase>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-mlflow-sql-"));
  mlflowDb = path.join(dir, "mlflow.db");
  const db = new Database(mlflowDb);
  db.exec(MLFLOW_SQLITE_SCHEMA);
  db.exec("CREATE TABLE some_future_table (id INTEGER PRIMARY KEY, payload TEXT)");
  const run = db.prepare(
    "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, 'LOCAL', '', '', 'ana', ?, ?, ?, '', ?, '', 1)",
  );
  const tag = db.prepare("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)");
  const param = db.prepare("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)");
  const metric = db.prepare("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)");
  db.transaction(() => {
    db.prepare("INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)").run(T0, T0);
    db.prepare("INSERT INTO experiments VALUES (1, 'churn', 'mlflow-artifacts:/1', 'active', ?, ?)").run(T0, T0);
    db.prepare("INSERT INTO experiment_tags VALUES ('mlflow.note.content', 'Churn model search', 1)").run();
    run.run(PARENT, "search", "FINISHED", T0, T0 + 600_000, "active");
    run.run(CHILD, "trial-1", "FINISHED", T0 + 1000, T0 + 60_000, "active");
    run.run(DELETED, "oops", "FAILED", T0 + 2000, T0 + 3000, "deleted");
    tag.run("mlflow.runName", "search", PARENT);
    tag.run("mlflow.runName", "trial-1", CHILD);
    tag.run("mlflow.parentRunId", PARENT, CHILD);
    tag.run("mlflow.user", "ana", CHILD);
    tag.run("mlflow.note.content", "Deeper trees after the Q2 drift review", CHILD);
    param.run("max_depth", "8", CHILD);
    param.run("learning_rate", "0.05", CHILD);
    // A history of three points: step 2 is the latest by MLflow's rule although step 1 was logged last.
    metric.run("val_auc", 0.71, T0 + 10_000, CHILD, 0);
    metric.run("val_auc", 0.83, T0 + 20_000, CHILD, 2);
    metric.run("val_auc", 0.99, T0 + 30_000, CHILD, 1);
    db.prepare("INSERT INTO datasets VALUES ('ds-1', 1, 'customers', 'a1b2c3d4', 's3', ?, NULL, ?)").run(
      '{"uri": "s3://lake/customers/2025-06.parquet"}',
      '{"num_rows": 5000}',
    );
    db.prepare("INSERT INTO inputs VALUES ('in-1', 'DATASET', 'ds-1', 'RUN', ?)").run(CHILD);
    db.prepare("INSERT INTO input_tags VALUES ('in-1', 'mlflow.data.context', 'train')").run();
    db.prepare("INSERT INTO logged_models VALUES ('m-0123456789abcdef0123456789abcdef', 1, 'model', 'mlflow-artifacts:/1/models/m', ?, ?, 2, 'active', '', ?, NULL)").run(
      T0 + 50_000,
      T0 + 55_000,
      CHILD,
    );
    db.prepare("INSERT INTO inputs VALUES ('out-1', 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', 'm-0123456789abcdef0123456789abcdef')").run(CHILD);
    db.prepare("INSERT INTO registered_models VALUES ('churn-classifier', ?, ?, '')").run(T0 + 70_000, T0 + 90_000);
    db.prepare("INSERT INTO registered_models VALUES ('churn-shadow', ?, ?, '')").run(T0 + 70_000, T0 + 90_000);
    const version = db.prepare(
      "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, status) VALUES (?, ?, ?, ?, '', 'ana', ?, 'models:/m-0123456789abcdef0123456789abcdef', ?, 'READY')",
    );
    version.run("churn-classifier", 1, T0 + 80_000, T0 + 90_000, "Production", CHILD);
    version.run("churn-shadow", 1, T0 + 85_000, T0 + 85_000, "None", CHILD);
    db.prepare("INSERT INTO registered_model_aliases VALUES ('champion', 1, 'churn-classifier')").run();
  })();
  db.close();
  store = createTestDatabase();
});

afterAll(() => {
  store.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("importing an mlflow.db SQL store", () => {
  it("recognises the SQLite file as a SQL store", async () => {
    expect(openSource(mlflowDb).kind).toBe("sql");
  });

  it("imports the runs, datasets, models and versions it holds, skipping the deleted run", async () => {
    const summary = await importSnapshot(readSqlStore(mlflowDb), ingestSink(store.db));
    expect(summary).toMatchObject({ experiments: 2, runs: 2, nestedRuns: 1, datasets: 1, loggedModels: 1, modelVersions: 2 });
    expect(summary.skipped.deletedRuns).toBe(1);
    expect(summary.rejections).toEqual([]);
    const deleted = store.db.prepare("SELECT COUNT(*) AS n FROM Run WHERE runId = ?").get(runIdToUuid(DELETED)) as { n: number };
    expect(deleted.n).toBe(0);
  });

  it("keeps the child's parameters, parent, note and latest metric by MLflow's rule", async () => {
    const child = store.db.prepare("SELECT parameters, parentRunId, reason, facets FROM Run WHERE runId = ?").get(runIdToUuid(CHILD)) as Record<string, string>;
    expect(JSON.parse(child.parameters)).toEqual([
      { key: "learning_rate", value: "0.05", source: "executionParameters" },
      { key: "max_depth", value: "8", source: "executionParameters" },
    ]);
    expect(child.parentRunId).toBe(runIdToUuid(PARENT));
    expect(child.reason).toBe("Deeper trees after the Q2 drift review");
    const metric = JSON.parse(child.facets).threadline_evaluation.metrics[0];
    expect(metric).toMatchObject({ key: "val_auc", value: 0.83, step: 2, historyLength: 3 });
  });

  it("reads the dataset where it lives (s3) at MLflow's digest, with its context", async () => {
    const input = store.db
      .prepare("SELECT rd.datasetVersionKey AS key, rd.facets FROM RunDataset rd WHERE rd.runId = ? AND rd.direction = 'input'")
      .get(runIdToUuid(CHILD)) as { key: string; facets: string };
    expect(input.key).toBe("datasetVersion:s3://lake:customers/2025-06.parquet:a1b2c3d4");
    expect(JSON.parse(input.facets).threadline_mlflow.context).toBe("train");
  });

  it("makes both registered models' versions outputs of the one run, with stage and alias", async () => {
    const rows = store.db
      .prepare("SELECT v.key, v.producedByRunId, v.facets FROM DatasetVersion v WHERE v.key LIKE '%models:/%' ORDER BY v.key")
      .all() as { key: string; producedByRunId: string; facets: string }[];
    expect(rows.map((r) => [r.key.split(":").slice(-3).join(":"), r.producedByRunId])).toEqual([
      ["models:/churn-classifier:1", runIdToUuid(CHILD)],
      ["models:/churn-shadow:1", runIdToUuid(CHILD)],
    ]);
    expect(JSON.parse(rows[0].facets).threadline_model).toMatchObject({ stage: "Production", aliases: ["champion"] });
  });

  it("changes nothing on a second import", async () => {
    const again = await importSnapshot(readSqlStore(mlflowDb), ingestSink(store.db));
    expect(again.events.created).toBe(0);
    expect(again.events.duplicates).toBe(again.events.sent);
  });
});
