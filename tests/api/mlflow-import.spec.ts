import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext } from "@playwright/test";

/**
 * The three real MLflow stores in tests/fixtures/mlflow imported with `npm run import:mlflow --to`
 * into the running server through its batch API, then read back through the HTTP API: a run's
 * parameters and latest metrics, a parent, a registered version's producing run, stage and aliases,
 * a dataset digest read by a run, a run note; deleted runs absent. Expected values are read from
 * the store's own files.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = path.join(root, "tests/fixtures/mlflow");
const store = (fixture: string) => path.join(fixtures, fixture, "mlruns");
const uuid = (id: string) => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;

interface NodeRef {
  id: string;
  name: string;
  version: string | null;
}
interface NodeDetail {
  facets: Record<string, any>;
  versions: { version: string; producedByRun: string | null }[];
  transformation: {
    run: { runId: string; parentRun: string | null; reason: string | null; parameters: { key: string; value: string }[] } | null;
    inputs: NodeRef[];
    outputs: NodeRef[];
  } | null;
}

async function node(request: APIRequestContext, id: string): Promise<NodeDetail> {
  const response = await request.get(`/api/v1/nodes/${encodeURIComponent(id)}`);
  expect(response.status(), id).toBe(200);
  return (await response.json()) as NodeDetail;
}

function importStore(fixture: string, baseURL: string) {
  return spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/import-mlflow.ts", store(fixture), "--to", baseURL], {
    cwd: root,
    env: { ...process.env },
    encoding: "utf8",
  });
}

const metricFile = (fixture: string, exp: string, run: string, key: string) =>
  fs.readFileSync(path.join(store(fixture), exp, run, "metrics", key), "utf8").trim().split(/\s+/);

test.describe("npm run import:mlflow --to <server>", () => {
  test.describe.configure({ timeout: 120_000 });

  test("census_income: nested Optuna runs with their parameters and latest metrics, deleted runs absent", async ({ request, baseURL }) => {
    const result = importStore("census_income", baseURL!);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("3 experiments, 42 runs (13 nested)");

    const child = "1a9bf900324d4256821bd38ef0f1382c";
    const detail = await node(request, `run:${uuid(child)}`);
    expect(detail.transformation?.run?.parentRun).toBe(`run:${uuid("7246863d193c4e1faeab6b2724198223")}`);
    const params = Object.fromEntries(detail.transformation!.run!.parameters.map((p) => [p.key, p.value]));
    for (const key of ["max_depth", "min_samples_split", "n_estimators"]) {
      expect(params[key]).toBe(fs.readFileSync(path.join(store("census_income"), "0", child, "params", key), "utf8"));
    }
    const [, value] = metricFile("census_income", "0", child, "mean_f1");
    expect(detail.facets.threadline_evaluation.metrics).toEqual([expect.objectContaining({ key: "mean_f1", value: Number(value), historyLength: 1 })]);
    expect(detail.facets.threadline_mlflow).toMatchObject({ runId: child, runName: "redolent-toad-729", experimentName: "GradientBoost Optimisation" });

    // e9cff1a8… is deleted in MLflow: Threadline never heard of it.
    expect((await request.get(`/api/v1/nodes/${encodeURIComponent(`run:${uuid("e9cff1a88ac14f71beba8fbf6a4df570")}`)}`)).status()).toBe(404);
  });

  test("legacy_v1_augury: the 1.x run name, a parameter, and a run note as the run's reason", async ({ request, baseURL }) => {
    const result = importStore("legacy_v1_augury", baseURL!);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("2 experiments, 43 runs (0 nested)");
    expect(result.stdout).toContain("1 deleted runs, 1 stray entries");

    const elo = await node(request, `run:${uuid("5119c0595c644ebe9b151fafa57eda35")}`);
    expect(elo.facets.threadline_mlflow.runName).toBe("baseline_elo");
    expect(elo.transformation!.run!.parameters).toContainEqual(expect.objectContaining({ key: "model", value: "elo" }));
    const noted = await node(request, `run:${uuid("d851977c7d294722a91c00bad116b2d4")}`);
    const note = fs.readFileSync(path.join(store("legacy_v1_augury"), "0", "d851977c7d294722a91c00bad116b2d4", "tags", "mlflow.note.content"), "utf8");
    expect(noted.transformation!.run!.reason).toBe(note);
  });

  test("registry_v3: versions made by their runs with stage and aliases, a dataset digest read by a run", async ({ request, baseURL }) => {
    const result = importStore("registry_v3", baseURL!);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("1 experiments, 7 runs (0 nested), 2 datasets, 7 models, 4 versions");

    const producer = await node(request, `run:${uuid("7ecc575ce85347ed86db402367028ae4")}`);
    const version3 = producer.transformation!.outputs.find((o) => o.name === "models:/sk-learn-random-forest-reg-model");
    expect(version3?.version).toBe("3");
    const v3 = await node(request, version3!.id);
    expect(v3.facets.threadline_model).toMatchObject({ registeredModel: "sk-learn-random-forest-reg-model", modelVersion: "3", stage: "None", aliases: ["best_model"] });
    expect(v3.versions.find((v) => v.version === "3")?.producedByRun).toBe(`run:${uuid("7ecc575ce85347ed86db402367028ae4")}`);
    expect(v3.versions.map((v) => v.version).sort()).toEqual(["1", "2", "3", "4"]);

    const trainer = await node(request, `run:${uuid("2cfeabb97d3c428095f64fa0ac6d3566")}`);
    expect(trainer.transformation!.inputs.map((i) => [i.name, i.version]).sort()).toEqual([
      ["dataset", "48848ef0"],
      ["dataset", "a3fbca02"],
    ]);
    const [, value] = metricFile("registry_v3", "0", "2cfeabb97d3c428095f64fa0ac6d3566", "training_score");
    expect(trainer.facets.threadline_evaluation.metrics).toContainEqual(
      expect.objectContaining({ key: "training_score", value: Number(value), datasetName: "dataset", datasetDigest: "48848ef0" }),
    );

    const again = importStore("registry_v3", baseURL!);
    expect(again.stdout).toContain("18 events sent: 0 new, 18 already imported, 0 rejected");
  });
});
