import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { lineageHref } from "../../lib/lineage/url-state";
import { removeFlag, submitFlag } from "./support/flags";

/**
 * Paths into the investigate journeys from where a user stands: common causes from /investigate (by
 * job or output family) and from a job's or a dataset's side panel; a flag from a dataset's panel.
 * The shared server keeps what a test writes: the flag test removes its flag in `finally`.
 */
const expect = baseExpect.configure({ timeout: 15_000 });
const S = DEMO_STORY;
const q = encodeURIComponent;

test.describe("common causes, reachable", () => {
  test("/investigate lists jobs and output families with failures, each opening its common causes, and the picker switches", async ({ page }, info) => {
    await page.goto("/investigate");
    const entry = page.getByTestId("common-causes-entry");
    await expect(entry).toBeVisible();
    const batches = entry.getByTestId("failure-scope-link").filter({ hasText: "generated/molecules-batch" });
    await expect(batches).toContainText(/3 of \d+ versions failed/);

    await batches.click();
    await expect(page).toHaveURL(`/investigate/causes?node=${q(S.generatedBatches)}`);
    await expect(page).toHaveTitle(/Common causes · generated\/molecules-batch/);
    await expect(page.getByRole("heading", { name: "Common causes across generated/molecules-batch" })).toBeVisible();
    await expect(page.getByTestId("cause-row").first()).toContainText("models/binding-affinity-ft@v3");
    await info.attach("common-causes", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    // The picker shows where we are and moves to a job.
    const select = page.getByTestId("causes-scope-select");
    await expect(select).toHaveValue(S.generatedBatches);
    await select.selectOption(S.generateJob);
    await page.getByTestId("causes-submit").click();
    await expect(page).toHaveURL(`/investigate/causes?node=${q(S.generateJob)}`);
    await expect(page.getByRole("heading", { name: "Common causes across generate-candidates" })).toBeVisible();
    await expect(page.getByTestId("cause-row").first()).toBeVisible();
  });

  /** Opens the node's side panel in the explorer and follows its common-causes link. */
  async function causesFromPanel(page: Page, nodeId: string, link: string) {
    await page.goto(lineageHref(nodeId));
    const panel = page.getByTestId("side-panel");
    await expect(panel).toHaveAttribute("data-node-id", nodeId);
    await panel.getByRole("link", { name: link }).click();
    await expect(page).toHaveURL(`/investigate/causes?node=${q(nodeId)}`);
  }

  test("a job's side panel leads to the common causes of its failures", async ({ page }) => {
    await causesFromPanel(page, S.generateJob, "Common causes of this job's failures →");
    await expect(page.getByRole("heading", { name: "Common causes across generate-candidates" })).toBeVisible();
    await expect(page.getByTestId("cause-row").first()).toBeVisible();
  });

  test("a dataset's side panel leads to the common causes of its failed versions", async ({ page }) => {
    await causesFromPanel(page, S.generatedBatches, "Common causes of its failed versions →");
    await expect(page.getByTestId("cause-row").first()).toContainText("models/binding-affinity-ft@v3");
  });

  test("an address naming no job or dataset says so", async ({ page }) => {
    await page.goto(`/investigate/causes?node=${q("dataset:nowhere:nothing")}`);
    await expect(page.getByTestId("causes-problem")).toContainText("nothing");
    await expect(page.getByRole("link", { name: "Choose another" })).toBeVisible();
  });
});

test.describe("flag from a dataset's panel", () => {
  test("the dataset's panel flags the version chosen in the dialog, the latest by default", async ({ page, request }, info) => {
    let flagId: string | null = null;
    try {
      await page.goto(lineageHref(S.curatedCorpus));
      const panel = page.getByTestId("side-panel");
      await expect(panel).toHaveAttribute("data-node-id", S.curatedCorpus);
      await panel.getByRole("button", { name: "Flag a version" }).click();

      const dialog = page.getByRole("dialog", { name: "Flag curated/training-corpus" });
      await expect(dialog).toBeVisible();
      const version = dialog.getByLabel("Version");
      await expect(version).toHaveValue(S.curatedCorpusWithCroAssays);
      await expect(version.locator("option:checked")).toHaveText("curated/training-corpus@c3 (latest)");
      await info.attach("flag-from-dataset", { body: await page.screenshot(), contentType: "image/png" });

      const c2 = S.curatedCorpusWithCroAssays.replace(/c3$/, "c2");
      await version.selectOption(c2);
      flagId = await submitFlag(dialog, { kind: "licence", reason: "Corpus c2 includes papers under a non-commercial licence" });

      // The flag sits on c2, not on the latest version.
      await dialog.getByTestId("flag-impact-link").click();
      await expect(page.getByTestId("flag-impact")).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).toContainText("curated/training-corpus@c2");
    } finally {
      await removeFlag(request, flagId);
    }
  });
});
