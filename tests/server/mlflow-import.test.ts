import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFileStore } from "@/lib/importers/mlflow/file-store";
import { importSnapshot } from "@/lib/importers/mlflow/import";
import { runIdToUuid } from "@/lib/importers/mlflow/model";
import { createTestDatabase } from "../support/db";
import { copyFixtureStore, countStoreFiles, ingestSink, MLFLOW_FIXTURES } from "../support/mlflow";

/**
 * The MLflow file-store importer against the real stores in tests/fixtures/mlflow, through the
 * ingest service into a real database: counts equal what the files hold, deleted runs and stray
 * folders stay out, a re-import changes nothing and a new run adds exactly that run.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function freshStore() {
  const store = createTestDatabase();
  cleanups.push(store.cleanup);
  return store;
}

const count = (db: ReturnType<typeof freshStore>["db"], sql: string, ...params: unknown[]) =>
  (db.prepare(sql).get(...params) as { n: number }).n;

describe.each(["census_income", "legacy_v1_augury", "registry_v3"])("importing the %s fixture", (fixture) => {
  it("stores as many runs, nested runs, datasets and registry versions as the files hold, and no deleted run", async () => {
    const { db } = freshStore();
    const root = path.join(MLFLOW_FIXTURES, fixture, "mlruns");
    const files = countStoreFiles(root);
    const summary = await importSnapshot(readFileStore(root), ingestSink(db));

    expect(summary.rejections).toEqual([]);
    expect(summary.runs).toBe(files.active.length);
    expect(count(db, "SELECT COUNT(*) AS n FROM Run")).toBe(files.active.length);
    expect(count(db, "SELECT COUNT(*) AS n FROM Run WHERE parentRunId IS NOT NULL")).toBe(files.nested.length);
    expect(summary.skipped.deletedRuns).toBe(files.deleted.length);
    for (const id of files.deleted) expect(count(db, "SELECT COUNT(*) AS n FROM Run WHERE runId = ?", runIdToUuid(id))).toBe(0);
    expect(
      count(db, "SELECT COUNT(*) AS n FROM DatasetVersion v JOIN Dataset d ON d.key = v.datasetKey WHERE d.name LIKE 'models:/%'"),
    ).toBe(files.versions);
    expect(count(db, "SELECT COUNT(*) AS n FROM DatasetVersion WHERE json_extract(facets, '$.threadline_mlflow.digest') IS NOT NULL")).toBe(
      files.datasets,
    );
  });
});

describe("the registry_v3 fixture's oddities", () => {
  it("ignores the store nested by mistake and the artifact store inside mlruns/", async () => {
    const { db } = freshStore();
    const summary = await importSnapshot(readFileStore(path.join(MLFLOW_FIXTURES, "registry_v3", "mlruns")), ingestSink(db));
    expect(summary.skipped.strayEntries).toBe(2);
    // a16c7433… lives only in mlruns/mlruns/, the nested second store.
    expect(count(db, "SELECT COUNT(*) AS n FROM Run WHERE runId = ?", runIdToUuid("a16c7433459a4350b418116739fd3b19"))).toBe(0);
  });

  it("keeps the legacy store's stray runs.csv out", async () => {
    const { db } = freshStore();
    const summary = await importSnapshot(readFileStore(path.join(MLFLOW_FIXTURES, "legacy_v1_augury", "mlruns")), ingestSink(db));
    expect(summary.skipped.strayEntries).toBe(1);
    expect(count(db, "SELECT COUNT(*) AS n FROM Node WHERE name LIKE '%runs.csv%'")).toBe(0);
  });
});

describe("re-importing", { timeout: 30_000 }, () => {
  it("changes nothing when the store did not change", async () => {
    const { db } = freshStore();
    const root = path.join(MLFLOW_FIXTURES, "registry_v3", "mlruns");
    const first = await importSnapshot(readFileStore(root), ingestSink(db));
    const events = count(db, "SELECT COUNT(*) AS n FROM Event");
    const second = await importSnapshot(readFileStore(root), ingestSink(db));
    expect(first.events.created).toBe(events);
    expect(second.events).toEqual({ sent: events, created: 0, duplicates: events, rejected: 0 });
    expect(count(db, "SELECT COUNT(*) AS n FROM Event")).toBe(events);
  });

  it("adds exactly the new run after one was logged", async () => {
    const { db } = freshStore();
    const { root, cleanup } = copyFixtureStore("census_income");
    cleanups.push(cleanup);
    await importSnapshot(readFileStore(root), ingestSink(db));
    const runsBefore = count(db, "SELECT COUNT(*) AS n FROM Run");
    const eventsBefore = count(db, "SELECT COUNT(*) AS n FROM Event");

    // A new run: a copy of a finished run under a fresh id, as MLflow would write it.
    const exp = path.join(root, "679998203598511232");
    const source = fs.readdirSync(exp).find((n) => fs.existsSync(path.join(exp, n, "meta.yaml")) && /status: 3/.test(fs.readFileSync(path.join(exp, n, "meta.yaml"), "utf8")) && !/deleted/.test(fs.readFileSync(path.join(exp, n, "meta.yaml"), "utf8")))!;
    const newId = "0123456789abcdef0123456789abcdef";
    fs.cpSync(path.join(exp, source), path.join(exp, newId), { recursive: true });
    const meta = path.join(exp, newId, "meta.yaml");
    fs.writeFileSync(meta, fs.readFileSync(meta, "utf8").replaceAll(source, newId));
    fs.rmSync(path.join(exp, newId, "tags", "mlflow.log-model.history"), { force: true });

    const second = await importSnapshot(readFileStore(root), ingestSink(db));
    expect(count(db, "SELECT COUNT(*) AS n FROM Run")).toBe(runsBefore + 1);
    expect(second.events.created).toBe(2); // its START and COMPLETE
    expect(count(db, "SELECT COUNT(*) AS n FROM Event")).toBe(eventsBefore + 2);
    expect(count(db, "SELECT COUNT(*) AS n FROM Run WHERE runId = ?", runIdToUuid(newId))).toBe(1);
  });
});

describe("npm run import:mlflow", { timeout: 60_000 }, () => {
  const root = path.resolve(__dirname, "../..");
  const cli = (args: string[], dbFile: string) =>
    spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/import-mlflow.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
      encoding: "utf8",
    });

  it("imports a store, prints the summary and counts a second run as already imported", async () => {
    const store = freshStore();
    store.db.close();
    const first = cli([path.join(MLFLOW_FIXTURES, "registry_v3", "mlruns")], store.file);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("1 experiments, 7 runs (0 nested), 2 datasets, 7 models, 4 versions");
    expect(first.stdout).toContain("18 events sent: 18 new, 0 already imported, 0 rejected");
    const again = cli([path.join(MLFLOW_FIXTURES, "registry_v3", "mlruns")], store.file);
    expect(again.stdout).toContain("18 events sent: 0 new, 18 already imported, 0 rejected");
  });

  it("refuses a folder that is not an MLflow store, naming it, with exit code 1", async () => {
    const store = freshStore();
    store.db.close();
    const result = cli([path.join(MLFLOW_FIXTURES, "..", "openlineage")], store.file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${path.join(MLFLOW_FIXTURES, "..", "openlineage")}: not an MLflow tracking store`);
  });

  it("stops on a corrupt meta.yaml, naming the file, before writing anything", async () => {
    const store = freshStore();
    const { root: copy, cleanup } = copyFixtureStore("registry_v3");
    cleanups.push(cleanup);
    const broken = path.join(copy, "0", "7ecc575ce85347ed86db402367028ae4", "meta.yaml");
    fs.writeFileSync(broken, "run_id: [unclosed\n  status: : 3\n");
    const result = cli([copy], store.file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${broken}: not valid YAML`);
    expect(count(store.db, "SELECT COUNT(*) AS n FROM Event")).toBe(0);
  });
});
