import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { lineageUrl, nodeOnCanvas } from "./support/canvas";
import { keepScreenshot } from "./support/page";

/**
 * The journeys a newcomer takes in their first minute, each ending on a key view whose screenshot
 * is attached to the report (and written to docs/screenshots by `npm run screenshots`, for the README).
 */
const expect = baseExpect.configure({ timeout: 15_000 });
const CHEMBL = "dataset:s3://helix-bio-lake:raw/chembl-34-extract";

test.describe("key views", () => {
  test("expanding upstream of the fine-tuned model reaches its source datasets", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, "&direction=upstream&depth=2"));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    await expect(nodeOnCanvas(page, CHEMBL)).toHaveCount(0);
    // One more hop at a time, as a person would, until the public ChEMBL extract comes into view.
    for (let i = 0; i < 8 && (await nodeOnCanvas(page, CHEMBL).count()) === 0; i++) {
      await page.getByTestId("depth-increase").click();
      await page.waitForLoadState("networkidle");
    }
    await expect(nodeOnCanvas(page, CHEMBL)).toBeVisible();
    // A view this big opens on the focus and its neighbours; "fit view" shows all of it.
    await page.getByRole("button", { name: "Fit View" }).click();
    await nodeOnCanvas(page, CHEMBL).click();
    await expect(page.getByTestId("side-panel")).toContainText(/ChEMBL 34/);
    await expect(page.getByTestId("side-panel")).toContainText(/no recorded upstream|source/i);
  });

  test("the entity graph of the fine-tuned model and its training run's side panel", async ({ page }, info) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, "&depth=2"));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    await expect(nodeOnCanvas(page, DEMO_STORY.finetuneJob)).toBeVisible();
    await keepScreenshot(page, info, "entity-graph.png");

    await page.goto(lineageUrl(DEMO_STORY.fineTunedModelVersions.v3, `&selected=${encodeURIComponent(DEMO_STORY.finetuneRuns.v3)}`));
    await expect(page.getByTestId("parameters-table")).toContainText("learning_rate");
    await expect(page.getByTestId("run-reason")).toContainText(/synthetic/i);
    await page.getByTestId("run-reason").scrollIntoViewIfNeeded();
    await keepScreenshot(page, info, "side-panel.png");
  });

  test("a copied address reproduces the view, panel included", async ({ page, browser }) => {
    await page.goto(lineageUrl(DEMO_STORY.failedBatch, `&depth=3&direction=upstream&selected=${encodeURIComponent(DEMO_STORY.failedBatchRun)}`));
    await expect(nodeOnCanvas(page, DEMO_STORY.failedBatchRun)).toBeVisible();
    const ids = async (p: Page) => (await p.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")))).sort();
    const shown = await ids(page);
    const copied = page.url();

    const other = await browser.newPage();
    await other.goto(copied);
    await expect(nodeOnCanvas(other, DEMO_STORY.failedBatchRun)).toBeVisible();
    await expect.poll(() => ids(other)).toEqual(shown);
    await expect(other.getByTestId("side-panel-title")).toContainText("generate-candidates");
    await other.close();
  });

  test("the version graph of the failed molecule batch names its model, prompt and temperature", async ({ page }, info) => {
    await page.goto(lineageUrl(DEMO_STORY.failedBatch, `&depth=4&direction=upstream&selected=${encodeURIComponent(DEMO_STORY.failedBatchRun)}`));
    await expect(nodeOnCanvas(page, DEMO_STORY.failedBatch).getByTestId("badge-failed")).toBeVisible();
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModelVersions.v3)).toBeVisible();
    await expect(nodeOnCanvas(page, DEMO_STORY.promptVersions.p2)).toBeVisible();
    await expect(page.getByTestId("parameters-table").locator("tr", { hasText: "temperature" })).toContainText("1.2");
    await keepScreenshot(page, info, "failed-batch.png");
  });
});

test("the home page lists the failed molecule batch and leads to its investigation", async ({ page }) => {
  await page.goto("/");
  const row = page.getByTestId("failed-outputs").getByTestId("failed-output-row").filter({ hasText: "@2026-11-02" });
  await expect(row).toContainText("generated/molecules-batch");
  await expect(row).toContainText(/tox21|alert|check/i);
  await row.getByRole("link", { name: /Investigate/ }).click();
  await expect(page).toHaveURL(/\/investigate\?node=/);
  expect(new URL(page.url()).searchParams.get("node")).toBe(DEMO_STORY.failedBatch);
});
