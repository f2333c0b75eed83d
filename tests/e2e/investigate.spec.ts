import fs from "node:fs";
import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { lineageHref } from "../../lib/lineage/url-state";
import { nodeOnCanvas } from "./support/canvas";
import { removeFlag, submitFlag } from "./support/flags";

// Investigating the demo's failed molecule batch as a person does: from its node in the explorer,
// to the differences that matter; then a reviewer flags the CRO assay set and sees what it touched.
// The shared server keeps what a test writes: the flag test removes its flag in `finally`.
const expect = baseExpect.configure({ timeout: 15_000 });

const S = DEMO_STORY;
const q = encodeURIComponent;

test.describe("investigate a failed output", () => {
  test("from the failed batch's node: the changed checkpoint, the synthetic batch that entered training, the temperature", async ({ page }, info) => {
    await page.goto(`/lineage?node=${q(S.failedBatch)}`);
    const node = nodeOnCanvas(page, S.failedBatch);
    await expect(node).toBeVisible();

    // One click on the failed node's "investigate" opens the investigation.
    await node.getByTestId("investigate-node-link").click();
    await expect(page).toHaveURL(/\/investigate\?node=/);
    const view = page.getByTestId("investigate-view");
    await expect(view).toHaveAttribute("data-node-id", S.failedBatch);

    // Why it failed, on top.
    await expect(page.getByTestId("failure-summary")).toContainText("tox21-alerts");
    await expect(page.getByTestId("as-of-line")).toContainText("Later events do not change this graph");

    // The differences, ranked, against the most recent passing batch, each with its recorded reason.
    await expect(page.getByTestId("comparison-label")).toHaveText("generated/molecules-batch@2026-11-06");
    const titles = page.getByTestId("difference-title");
    await expect(titles.first()).toHaveText("Checkpoint models/binding-affinity-ft: v2 → v3");
    await expect(page.getByTestId("difference").first().getByTestId("difference-reason")).toContainText("add synthetic augmentation batch gen-1");
    await expect(titles.filter({ hasText: "synthetic/augmentation-set@gen-1" })).toHaveCount(1);
    await expect(titles.filter({ hasText: "temperature: 0.9 → 1.2" })).toHaveCount(1);

    // The graph marks the changed checkpoint; the synthetic card says where the synthetic set entered training.
    await expect(nodeOnCanvas(page, S.fineTunedModelVersions.v3).getByTestId("investigate-node")).toHaveAttribute("data-mark", "changed");
    await expect(nodeOnCanvas(page, S.failedBatch).getByTestId("investigate-node")).toHaveAttribute("data-role", "target");
    await expect(page.getByTestId("synthetic-source").first()).toContainText("synthetic/augmentation-set@gen-1");
    await expect(page.getByTestId("entered-training").first()).toContainText("finetune-binding-model");

    // A click on a difference shows its node in the graph.
    await page.getByTestId("difference").filter({ hasText: "synthetic/augmentation-set@gen-1" }).getByRole("button").click();
    await expect(page.getByTestId("selected-node")).toContainText("synthetic/augmentation-set@gen-1");
    await expect(nodeOnCanvas(page, S.syntheticSetVersion)).toBeInViewport();

    // Common causes across all batches: the v3 checkpoint first, linked into the graph.
    const firstCause = page.getByTestId("cause-row").first();
    await expect(firstCause).toContainText("models/binding-affinity-ft@v3");
    await expect(firstCause.getByTestId("cause-link")).toHaveAttribute("href", lineageHref(S.fineTunedModelVersions.v3));

    await info.attach("investigate-failed-batch", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  });

  test("choosing another comparison changes the differences", async ({ page }) => {
    await page.goto(`/investigate?node=${q(S.failedBatch)}`);
    await expect(page.getByTestId("difference-title").first()).toContainText("binding-affinity-ft");
    await page.getByTestId("compare-select").selectOption(S.failedBatch.replace("2026-11-02", "2026-10-28"));
    await expect(page).toHaveURL(/compare=/);
    await expect(page.getByTestId("comparison-label")).toHaveText("generated/molecules-batch@2026-10-28");
    await expect(page.getByTestId("difference-title").filter({ hasText: "binding-affinity-ft" })).toHaveCount(0);
    await expect(page.getByTestId("difference-title").filter({ hasText: "temperature: 0.8 → 1.2" })).toHaveCount(1);
  });
});

test.describe("flags that propagate", () => {
  test("flagging the biased assay set marks the fine-tuned model and the failed batch as affected", async ({ page, request }, info) => {
    let flagId: string | null = null;
    try {
      await page.goto(`/investigate?node=${q(S.biasedAssaysVersion)}`);
      await page.getByTestId("flag-button").click();
      const dialog = page.getByRole("dialog", { name: /Flag assays\/kinase-binding-2026q3@delivery-1/ });
      await expect(dialog).toBeVisible();
      flagId = await submitFlag(dialog, { kind: "bias", severity: "high", reason: "Vendor curve fit inflates pKd for type-II kinase inhibitors", by: "lena.hoffmann" });

      // The impact: the fine-tuned model v3 and the failed batch, counted and listed; a CSV to take away.
      await dialog.getByTestId("flag-impact-link").click();
      await expect(page.getByTestId("flag-impact")).toBeVisible();
      await expect(page.getByTestId("impact-models")).toContainText("models/binding-affinity-ft@v3");
      await expect(page.getByTestId("impact-models")).not.toContainText("binding-affinity-ft@v2");
      await expect(page.getByTestId("impact-models-count")).toContainText("1");
      await expect(page.locator(`[data-testid="impact-outputs"] [data-node-id="${S.failedBatch}"]`)).toContainText("3 hops down");
      await expect(page.getByTestId("impact-csv")).toHaveAttribute("href", `/api/v1/flags/${q(flagId)}/impact.csv`);
      await info.attach("flag-impact", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      // The failed batch shows the flag as inherited, and the explorer draws it flagged.
      await page.goto(`/investigate?node=${q(S.failedBatch)}`);
      await expect(page.getByTestId("flag-inherited")).toContainText("propagated from assays/kinase-binding-2026q3@delivery-1, 3 hops up");
      await page.goto(`/lineage?node=${q(S.fineTunedModelVersions.v3)}&depth=1`);
      await expect(nodeOnCanvas(page, S.fineTunedModelVersions.v3).getByTestId("badge-flagged")).toBeVisible();
      await expect(nodeOnCanvas(page, S.finetuneRuns.v3).getByTestId("badge-flagged")).toBeVisible();
    } finally {
      await removeFlag(request, flagId);
    }
  });
});

test.describe("as-of views", () => {
  test("the explorer shows the lineage as of a chosen time, and the address carries it", async ({ page }) => {
    await page.goto(`/lineage?node=${q(S.syntheticSet)}&direction=downstream&depth=1`);
    await expect(nodeOnCanvas(page, S.finetuneJob)).toBeVisible();
    await page.getByTestId("as-of-input").fill("2026-10-18");
    await page.getByTestId("as-of-input").press("Enter");
    await expect(page).toHaveURL(/asOf=2026-10-18/);
    await expect(nodeOnCanvas(page, S.syntheticSet)).toBeVisible();
    await expect(nodeOnCanvas(page, S.finetuneJob)).toHaveCount(0);
    await page.getByTestId("as-of-clear").click();
    await expect(nodeOnCanvas(page, S.finetuneJob)).toBeVisible();
  });

  test("an investigation as of a chosen event says so in a banner, and its image and report name that event's chain hash", async ({ page }, info) => {
    await page.goto(`/investigate?node=${q(S.failedBatch)}`);
    await expect(page.getByTestId("investigate-view")).toBeVisible();
    // As it was when it was made: no banner (that is the investigation's own moment, not one asked for).
    await expect(page.getByTestId("as-of-banner")).toHaveCount(0);

    await page.goto(`/investigate?node=${q(S.failedBatch)}&asOf=2026-11-04`);
    const banner = page.getByTestId("as-of-banner");
    await expect(banner).toContainText(/Viewing event #\d+ · 2026-11-0\d/);
    const seq = Number(/#(\d+)/.exec(await banner.innerText())?.[1]);
    const point = (await (await page.request.get(`/api/v1/lineage?nodeId=${q(S.failedBatch)}&depth=0&asOf=${seq}`)).json()).point as { seq: number; hash: string };
    expect(point.seq).toBe(seq);
    await info.attach("investigate-as-of", { body: await page.screenshot(), contentType: "image/png" });

    // The SVG's caption: as of that event, with its chain hash.
    await page.getByRole("button", { name: "Export" }).click();
    const [saved] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-svg").click()]);
    const svg = fs.readFileSync((await saved.path()) ?? "", "utf8");
    expect(svg).toContain(`As of event #${seq}`);
    expect(svg).toContain(`chain hash ${point.hash.slice(0, 16)}`);

    // The report of the same view: the same event and hash.
    await page.getByRole("button", { name: "Export" }).click();
    const reportHref = (await page.getByTestId("export-report").getAttribute("href")) ?? "";
    expect(reportHref).toContain("fold=0");
    await page.goto(reportHref);
    await expect(page.getByTestId("report-point")).toContainText(`event #${seq}`);
    await expect(page.getByTestId("report-point")).toContainText(point.hash.slice(0, 16));

    // Back to when it was made.
    await page.goto(`/investigate?node=${q(S.failedBatch)}&asOf=${seq}`);
    await page.getByTestId("as-of-banner").getByTestId("as-of-back").click();
    await expect(page).not.toHaveURL(/asOf=/);
    await expect(page.getByTestId("as-of-banner")).toHaveCount(0);
  });
});
