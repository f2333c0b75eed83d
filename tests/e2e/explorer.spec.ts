import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { addressParam, lineageUrl, nodeOnCanvas } from "./support/canvas";

// The explorer as a person uses it, on the demo store the e2e server seeds (scripts/e2e-server.sh).
// A first visit to a page may wait for the server to compile or warm up: allow for it.
const expect = baseExpect.configure({ timeout: 15_000 });


test.describe("lineage explorer", () => {
  test("the fine-tuned model's training run shows its learning rate and the reason for the change", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel));
    const model = nodeOnCanvas(page, DEMO_STORY.fineTunedModel);
    await expect(model).toBeVisible();

    // The model's panel lists its versions; v3 opens the version graph of exactly that checkpoint.
    await model.click();
    const panel = page.getByTestId("side-panel");
    await expect(panel.getByTestId("side-panel-title")).toContainText("binding-affinity-ft");
    await panel.locator(`[data-testid="version-row"][data-node-id="${DEMO_STORY.fineTunedModelVersions.v3}"]`).click();
    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.fineTunedModelVersions.v3);
    expect(addressParam(page, "view")).toBe("version");

    // The run that trained v3 is on the canvas, upstream of it; a click opens what it did and why.
    const run = nodeOnCanvas(page, DEMO_STORY.finetuneRuns.v3);
    await expect(run).toBeVisible();
    await run.click();
    await expect.poll(() => addressParam(page, "selected")).toBe(DEMO_STORY.finetuneRuns.v3);
    const parameters = page.getByTestId("parameters-table");
    await expect(parameters.locator("tr", { hasText: "learning_rate" })).toContainText("1e-5");
    await expect(parameters.locator("tr", { hasText: "synthetic_mix_ratio" })).toContainText("0.25");
    await expect(page.getByTestId("run-reason")).toContainText(/synthetic augmentation/i);

    // The model's change history says what changed from v2 to v3, old -> new.
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, `&selected=${encodeURIComponent(DEMO_STORY.fineTunedModel)}`));
    const v3Change = page.locator(`[data-testid="change-entry"][data-change-id="${DEMO_STORY.fineTunedModelVersions.v3}"]`);
    await expect(v3Change.getByTestId("change-reason")).toContainText(/synthetic/i);
    await expect(v3Change.getByTestId("parameter-changes").locator("tr", { hasText: "batch_size" })).toContainText("64");
    await expect(v3Change.getByTestId("parameter-changes").locator("tr", { hasText: "batch_size" })).toContainText("96");
  });

  test("a +N handle expands hidden upstream neighbours, and a reload keeps the expansion", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, "&depth=1&direction=upstream"));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    const finetune = nodeOnCanvas(page, DEMO_STORY.finetuneJob);
    await expect(finetune).toBeVisible();
    const before = await page.locator(".react-flow__node").count();

    await finetune.getByTestId("expand-upstream").click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll("expand")).toEqual([`up:${DEMO_STORY.finetuneJob}`]);
    await expect(nodeOnCanvas(page, DEMO_STORY.curatedCorpus)).toBeVisible();
    await expect(finetune.getByTestId("expand-upstream")).toHaveCount(0);
    const after = await page.locator(".react-flow__node").count();
    expect(after).toBeGreaterThan(before);

    await page.reload();
    await expect(nodeOnCanvas(page, DEMO_STORY.curatedCorpus)).toBeVisible();
    await expect(page.locator(".react-flow__node")).toHaveCount(after);

    // Back undoes the expansion.
    await page.goBack();
    await expect(nodeOnCanvas(page, DEMO_STORY.curatedCorpus)).toHaveCount(0);
  });

  test("selecting a node lights its paths and the keyboard moves, re-centres and clears", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, "&depth=1"));
    const model = nodeOnCanvas(page, DEMO_STORY.fineTunedModel);
    await expect(model).toBeVisible();

    // Generation reads the model: the model is on its path, the binding evaluation (a sibling) is not.
    await nodeOnCanvas(page, DEMO_STORY.generateJob).click();
    await expect(nodeOnCanvas(page, DEMO_STORY.generateJob)).toHaveClass(/selected/);
    await expect(model).not.toHaveClass(/tl-node-dim/);
    await expect(nodeOnCanvas(page, DEMO_STORY.evaluateBindingJob)).toHaveClass(/tl-node-dim/);

    await model.click();
    await expect(page.locator(".react-flow__node.tl-node-dim")).toHaveCount(0);
    await model.focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => addressParam(page, "selected")).toBe(DEMO_STORY.finetuneJob);
    await page.keyboard.press("Enter");
    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.finetuneJob);
    await expect(page.getByTestId("focus-title")).toHaveText("finetune-binding-model");

    await nodeOnCanvas(page, DEMO_STORY.finetuneJob).focus();
    await page.keyboard.press("Escape");
    await expect.poll(() => addressParam(page, "selected")).toBeNull();
    await expect(page.getByTestId("side-panel")).toHaveCount(0);
  });

  test("search jumps to a node's lineage", async ({ page }) => {
    await page.goto("/");
    const box = page.getByRole("combobox", { name: "Search by name" });
    // The shortcut is heard once the page has hydrated; a person presses it again if nothing opened.
    await expect(async () => {
      await page.keyboard.press("Control+k");
      await expect(box).toBeVisible({ timeout: 1_000 });
    }).toPass();
    await box.fill("molecules");
    await expect(page.locator(`[data-testid="search-result"][data-node-id="${DEMO_STORY.generatedBatches}"]`)).toBeVisible();
    await box.press("Enter");
    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.generatedBatches);
    await expect(nodeOnCanvas(page, DEMO_STORY.generatedBatches)).toBeVisible();
    await expect(page.getByTestId("side-panel-title")).toContainText("molecules-batch");
  });

  test("the version graph of the failed output shows the failure and back returns to the entity graph", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.generatedBatches, `&selected=${encodeURIComponent(DEMO_STORY.generatedBatches)}`));
    await expect(nodeOnCanvas(page, DEMO_STORY.generatedBatches)).toBeVisible();
    await page.locator(`[data-testid="version-row"][data-node-id="${DEMO_STORY.failedBatch}"]`).click();

    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.failedBatch);
    const failed = nodeOnCanvas(page, DEMO_STORY.failedBatch);
    await expect(failed.getByTestId("badge-failed")).toBeVisible();
    await expect(nodeOnCanvas(page, DEMO_STORY.failedBatchRun)).toBeVisible();
    await expect(page.getByRole("button", { name: "Version graph" })).toHaveAttribute("aria-pressed", "true");

    // The entity toggle goes to the batch's dataset; back returns to the failed version.
    await page.getByRole("button", { name: "Entity graph" }).click();
    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.generatedBatches);
    await page.goBack();
    await expect.poll(() => addressParam(page, "node")).toBe(DEMO_STORY.failedBatch);
    await expect(nodeOnCanvas(page, DEMO_STORY.failedBatch)).toBeVisible();
  });
});

test("zoomed out, a version graph's boxes still say which version or which run each one is", async ({ page, request }) => {
  // The v3 checkpoint three hops both ways: 25 boxes, shown whole at 1440×900 in the minimal form.
  const focus = DEMO_STORY.fineTunedModelVersions.v3;
  await page.goto(lineageUrl(focus, "&depth=3"));
  await expect(page.locator('[data-testid="version-node"][data-minimal="true"]').first()).toBeVisible();
  const answer: { nodes: { id: string; type: string; name: string; version: string | null }[] } = await (
    await request.get(`/api/v1/lineage?nodeId=${encodeURIComponent(focus)}&depth=3`)
  ).json();
  const versions = answer.nodes.filter((node) => node.type === "datasetVersion");
  // Six nightly batches made from this checkpoint: by name alone they read alike.
  expect(versions.filter((node) => node.name === "generated/molecules-batch").length).toBeGreaterThan(1);
  for (const node of versions) {
    await expect(nodeOnCanvas(page, node.id).locator('[data-minimal="true"]'), node.id).toContainText(`@${node.version}`);
  }
  const runs = await page.locator('[data-testid="run-node"][data-minimal="true"]').allInnerTexts();
  expect(runs.length).toBe(answer.nodes.filter((node) => node.type === "run").length);
  expect(new Set(runs).size, runs.join(" | ")).toBe(runs.length);
});
