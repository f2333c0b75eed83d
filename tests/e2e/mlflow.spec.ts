import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";

/**
 * An MLflow user's first look: the census_income store (real, MLflow 2.19, Optuna parent and
 * child runs) imported with `npm run import:mlflow --to <server>`, then found in the explorer the
 * way a person would: the Optuna parent run by its MLflow run id, a child run by its run name
 * through the search box, the child's parameters and metrics in the side panel, and back to the
 * parent through the panel's parent link. Also the registry_v3 store: a version's stage and aliases.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const store = (fixture: string) => path.join(root, "tests/fixtures/mlflow", fixture, "mlruns");
const uuid = (id: string) => `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
const PARENT = "7246863d193c4e1faeab6b2724198223";
const CHILD = "1a9bf900324d4256821bd38ef0f1382c";

test.beforeAll(({}, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  for (const fixture of ["census_income", "registry_v3"]) {
    const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/import-mlflow.ts", store(fixture), "--to", baseURL], {
      cwd: root,
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
  }
});

test("the Optuna parent run in the explorer, a child run's parameters in the side panel", async ({ page }) => {
  test.setTimeout(90_000);
  // The parent, found by its MLflow run id as MLflow shows it (no dashes).
  await page.goto("/");
  await page.getByRole("button", { name: "Search datasets, models, jobs" }).click();
  await page.getByRole("combobox").fill(PARENT);
  await expect(page.getByRole("option").first()).toContainText("SMOTE_Optuna_GradientBoostClassifer");
  await page.getByRole("option").first().click();
  await expect(page.locator(`.react-flow__node[data-id="run:${uuid(PARENT)}"]`)).toBeVisible();

  // A child, by its run name.
  await page.getByRole("button", { name: "Search datasets, models, jobs" }).click();
  await page.getByRole("combobox").fill("redolent-toad-729");
  await expect(page.getByRole("option").first()).toContainText("redolent-toad-729");
  await page.getByRole("option").first().click();
  await expect(page.locator(`.react-flow__node[data-id="run:${uuid(CHILD)}"]`)).toBeVisible();

  const panel = page.getByTestId("parameters-table");
  for (const key of ["max_depth", "min_samples_split", "n_estimators"]) {
    const value = fs.readFileSync(path.join(store("census_income"), "0", CHILD, "params", key), "utf8");
    await expect(panel.getByRole("row", { name: new RegExp(`^${key}\\b`) })).toContainText(value);
  }
  const [, f1] = fs.readFileSync(path.join(store("census_income"), "0", CHILD, "metrics", "mean_f1"), "utf8").trim().split(/\s+/);
  await expect(page.getByTestId("metrics-table").getByRole("row", { name: /mean_f1/ })).toContainText(String(Number(f1)));
  await page.screenshot({ path: test.info().outputPath("mlflow-child-run.png") });

  // Up to the parent through the panel.
  await page.getByRole("button", { name: uuid(PARENT).slice(0, 8) }).click();
  await expect(page).toHaveURL(new RegExp(encodeURIComponent(`run:${uuid(PARENT)}`)));
  await expect(page.getByTestId("parameters-table")).toHaveCount(0);
});

test("a registered model version's panel shows its stage and aliases", async ({ page }) => {
  const producer = `run:${uuid("7ecc575ce85347ed86db402367028ae4")}`;
  const detail = await (await page.request.get(`/api/v1/nodes/${encodeURIComponent(producer)}`)).json();
  const version = detail.transformation.outputs.find((o: { name: string }) => o.name === "models:/sk-learn-random-forest-reg-model");
  await page.goto(`/lineage?${new URLSearchParams({ node: version.id, selected: version.id })}`);
  const registry = page.getByTestId("section-registry");
  await expect(registry).toContainText("sk-learn-random-forest-reg-model");
  await expect(registry.getByTestId("model-stage")).toHaveText("None");
  await expect(registry.getByTestId("model-aliases")).toHaveText("@best_model");
  await page.screenshot({ path: test.info().outputPath("mlflow-model-version.png") });
});

test("investigate compares two trials of the same experiment: parameters and metrics", async ({ page }) => {
  const other = "2a3e15e41abd435fa630bc9c34b5a4cf";
  const q = (id: string) => encodeURIComponent(id);
  await page.goto(`/investigate?node=${q(`run:${uuid(CHILD)}`)}&compare=${q(`run:${uuid(other)}`)}`);
  const differences = page.getByTestId("differences-list");
  for (const key of ["max_depth", "min_samples_split", "n_estimators"]) {
    const a = fs.readFileSync(path.join(store("census_income"), "0", CHILD, "params", key), "utf8");
    const b = fs.readFileSync(path.join(store("census_income"), "0", other, "params", key), "utf8");
    await expect(differences.locator('[data-kind="parameter"]').filter({ hasText: key })).toContainText(new RegExp(`${b}.*${a}|${a}.*${b}`));
  }
  const f1 = (run: string) => Number(fs.readFileSync(path.join(store("census_income"), "0", run, "metrics", "mean_f1"), "utf8").trim().split(/\s+/)[1]);
  const row = page.getByTestId("metrics-comparison").getByRole("row", { name: /mean_f1/ });
  await expect(row).toContainText(String(Number(f1(CHILD).toPrecision(6))));
  await expect(row).toContainText(String(Number(f1(other).toPrecision(6))));
  await page.getByTestId("metrics-comparison").scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("mlflow-investigate.png"), fullPage: true });
});
