import { expect as baseExpect, test, type Locator, type Page, type TestInfo } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { LEGIBLE_TEXT_PX } from "../../lib/lineage/compact-view";
import { illegibleNodes, nodeOnCanvas, nodesOutsideCanvas } from "./support/canvas";
import { ALL_NAV_CLICKABLE, keepScreenshot, navLinksClickable, watchForProblems } from "./support/page";

/**
 * The three journeys a newcomer takes on the demo, walked as a person does at a laptop's and a
 * small laptop's screen: browse (overview → catalogue → explorer → a node's panel), investigate a
 * failed output (overview → the failed run's error in its panel → investigate → differences →
 * common causes) and share an audit view (share → open it with nothing but the link → verified).
 * At every step: no console error, no request answered 404, no node outside the visible canvas and
 * none whose title is drawn under the legible size (LEGIBLE_TEXT_PX; for a big graph, its focus),
 * every navigation link clickable. The explorer's views are checked with the side panel open and closed.
 *
 * `npm run screenshots` walks the same journeys against a running demo and keeps each step's
 * screenshot in docs/screenshots, the ones the README shows.
 */
const expect = baseExpect.configure({ timeout: 15_000 });
const S = DEMO_STORY;

const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];

/** Views up to this many nodes open whole (the explorer's framing rule). */
const WHOLE_VIEW_NODES = 12;

interface StepChecks {
  /** The graph on the page, whose nodes must be inside its visible box. */
  canvas?: "lineage-canvas" | "investigate-canvas" | null;
  /** The node a big graph opens on. */
  focus?: string | null;
  hasNav?: boolean;
  /** What the screenshot shows, scrolled into view once the page's top (its navigation) has been checked. */
  scrollTo?: Locator | null;
  /** Checked, but not kept as a picture (the README shows the journeys' main steps). */
  isCheckOnly?: boolean;
}

/** A journey's page, watched for errors, and a step that checks what a newcomer sees and keeps its screenshot. */
function journey(page: Page, info: TestInfo, name: string) {
  const problems = watchForProblems(page);
  let count = 0;
  const step = async (label: string, { canvas = null, focus = null, hasNav = true, scrollTo = null, isCheckOnly = false }: StepChecks = {}) => {
    await page.waitForLoadState("networkidle");
    // A share link's pages have no navigation: the link leads nowhere else.
    if (hasNav) await expect.poll(() => navLinksClickable(page), { message: `${label}: every nav link clickable` }).toEqual(ALL_NAV_CLICKABLE);
    else await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    let isBig = false;
    if (canvas) {
      const nodes = page.getByTestId(canvas).locator(".react-flow__node");
      await expect(nodes.first()).toBeVisible();
      // Up to a dozen nodes the whole view is framed; a bigger one opens on its focus, "fit view" a click away.
      isBig = (await nodes.count()) > WHOLE_VIEW_NODES && focus !== null;
      if (isBig) await expect.poll(async () => (await nodesOutsideCanvas(page, canvas)).includes(focus!), { message: `${label}: the focus inside the canvas` }).toBe(false);
      else await expect.poll(() => nodesOutsideCanvas(page, canvas), { message: `${label}: every node inside the canvas` }).toEqual([]);
      await expect
        .poll(() => illegibleNodes(page, LEGIBLE_TEXT_PX, canvas, isBig ? [focus!] : undefined), { message: `${label}: every title at least ${LEGIBLE_TEXT_PX} px` })
        .toEqual([]);
    }
    expect(problems, `${label}: no console error, no 404`).toEqual([]);
    await scrollTo?.scrollIntoViewIfNeeded();
    const viewport = page.viewportSize()!;
    if (!isCheckOnly) await keepScreenshot(page, info, `${name}-${++count}-${label}-${viewport.width}x${viewport.height}.png`);
    if (canvas && isBig) {
      await page.getByTestId(canvas).getByRole("button", { name: "Fit View" }).click();
      await expect.poll(() => nodesOutsideCanvas(page, canvas), { message: `${label}: every node inside the canvas after "fit view"` }).toEqual([]);
    }
  };
  return { step, problems };
}

// Paths into the journeys: a link from the overview opens the explorer with its node selected and
// says at once what went wrong, in the side panel.
test("the overview's failed-run link opens the run with its error in the panel", async ({ page }) => {
  await page.goto("/");
  // The demo's failed run (out of GPU memory), whatever other runs other specs made fail before.
  const row = page.getByTestId("failed-runs").getByTestId("run-row").filter({ hasText: "score-docking" }).first();
  const error = (await row.locator("p.font-mono").textContent())?.trim() ?? "";
  expect(error.length).toBeGreaterThan(0);
  await row.getByRole("link", { name: /Open the lineage of run/ }).click();

  const panel = page.getByTestId("side-panel");
  await expect(panel).toBeVisible();
  await expect(page).toHaveURL(/selected=run/);
  // At the top of the panel, in view without scrolling.
  const failed = panel.getByTestId("section-overview").getByTestId("run-failed");
  await expect(failed).toContainText(error.slice(0, 40));
  await expect(failed).toBeInViewport();
});

test("a failed output's link opens its version with the failing checks listed", async ({ page }) => {
  await page.goto("/");
  const row = page.getByTestId("failed-outputs").getByTestId("failed-output-row").filter({ hasText: "2026-11-02" });
  await row.getByRole("link", { name: "generated/molecules-batch", exact: true }).click();

  await expect.poll(() => new URL(page.url()).searchParams.get("selected")).toBe(DEMO_STORY.failedBatch);
  const failures = page.getByTestId("side-panel").getByTestId("failures");
  await expect(failures).toBeInViewport();
  const checks = failures.locator('[data-testid="failure"][data-source="check"]');
  await expect(checks.first()).toContainText(/failed check/i);
  await expect(checks.first()).toContainText(/alert/i);
});

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test("browse: overview → catalogue → explorer → a node's panel", async ({ page }, info) => {
      const { step } = journey(page, info, "browse");
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await step("overview");

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalogue" }).click();
      await expect(page).toHaveURL(/\/catalog/);
      await page.getByTestId("catalog-type-model").click();
      const model = page.locator(`[data-testid="catalog-row"][data-node-id="${S.fineTunedModel}"]`);
      await expect(model).toBeVisible();
      await step("catalogue");

      await model.getByTestId("catalog-link").click();
      await expect.poll(() => new URL(page.url()).searchParams.get("node")).toBe(S.fineTunedModel);
      await expect(nodeOnCanvas(page, S.fineTunedModel)).toBeVisible();
      await expect(page.getByTestId("side-panel-title")).toContainText("models/binding-affinity-ft");
      await step("explorer", { canvas: "lineage-canvas" });

      await nodeOnCanvas(page, S.finetuneJob).click();
      await expect(page.getByTestId("side-panel-title")).toContainText("finetune-binding-model");
      await step("node-panel", { canvas: "lineage-canvas" });

      await page.getByTestId("side-panel-close").click();
      await expect(page.getByTestId("side-panel")).toHaveCount(0);
      await step("panel-closed", { canvas: "lineage-canvas", isCheckOnly: true });

      // The same view as of an earlier event: framed and legible alike, panel closed and open.
      await page.getByTestId("as-of-input").fill("2026-10-21");
      await page.getByTestId("as-of-input").press("Enter");
      await expect(page.getByTestId("as-of-banner")).toBeVisible();
      await step("as-of", { canvas: "lineage-canvas", isCheckOnly: true });
      await nodeOnCanvas(page, S.fineTunedModel).click();
      await expect(page.getByTestId("side-panel-as-of")).toBeVisible();
      await step("as-of-panel", { canvas: "lineage-canvas", isCheckOnly: true });
    });

    test("investigate a failed output: the failed run's error → investigate → differences → common causes", async ({ page }, info) => {
      const { step } = journey(page, info, "investigate");
      await page.goto("/");
      const failedRun = page.getByTestId("failed-runs").getByTestId("run-row").filter({ hasText: "score-docking" }).first();
      await failedRun.getByRole("link", { name: /Open the lineage of run/ }).click();
      await expect(page.getByTestId("side-panel").getByTestId("run-failed")).toBeInViewport();
      await step("failed-run", { canvas: "lineage-canvas" });

      // The failed output of the nightly batch: its failing checks in the panel, then investigate it.
      await page.goto("/");
      const failedOutput = page.getByTestId("failed-outputs").getByTestId("failed-output-row").filter({ hasText: "2026-11-02" });
      await failedOutput.getByRole("link", { name: "generated/molecules-batch", exact: true }).click();
      await expect(page.getByTestId("side-panel").getByTestId("failures")).toBeInViewport();
      await step("failed-output", { canvas: "lineage-canvas" });

      await page.getByTestId("panel-investigate-link").click();
      await expect(page.getByTestId("investigate-view")).toHaveAttribute("data-node-id", S.failedBatch);
      await expect(page.getByTestId("difference-title").first()).toHaveText("Checkpoint models/binding-affinity-ft: v2 → v3");
      await step("investigate", { canvas: "investigate-canvas", focus: S.failedBatch });

      await expect(page.getByTestId("cause-row").first()).toContainText("models/binding-affinity-ft@v3");
      await step("causes-in-view", { scrollTo: page.getByTestId("causes-card") });

      await page.goto("/investigate");
      await page.getByTestId("common-causes-entry").getByTestId("failure-scope-link").filter({ hasText: "generated/molecules-batch" }).click();
      await expect(page.getByRole("heading", { name: "Common causes across generated/molecules-batch" })).toBeVisible();
      await step("common-causes");
    });

    test("share an audit view: share → open it with only the link → verified", async ({ page, browser }, info) => {
      const { step } = journey(page, info, "share");
      await page.goto(`/lineage?node=${encodeURIComponent(S.failedBatch)}&selected=${encodeURIComponent(S.failedBatch)}`);
      await expect(nodeOnCanvas(page, S.failedBatch)).toBeVisible();
      await page.getByTestId("share-button").click();
      await page.getByTestId("share-note-input").fill("The failed batch of 2 November, for the toxicity review");
      await page.getByTestId("share-create").click();
      const link = await page.getByTestId("share-link").inputValue();
      expect(link).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);
      await step("share-dialog");

      // A reviewer with nothing but the link: a fresh browser context, no cookies.
      const reviewerContext = await browser.newContext({ viewport });
      try {
        const reviewer = await reviewerContext.newPage();
        const watched = journey(reviewer, info, "share-reviewer");
        await reviewer.goto(link);
        await expect(reviewer.getByTestId("share-banner")).toContainText("Frozen view");
        await expect(reviewer.getByTestId("share-verified")).toBeVisible();
        await expect(reviewer.getByTestId("side-panel-title")).toContainText("generated/molecules-batch");
        await watched.step("shared-view", { canvas: "lineage-canvas", hasNav: false });

        await reviewer.getByRole("button", { name: /export/i }).click();
        const report = await reviewer.getByTestId("export-report").getAttribute("href");
        expect(report).toMatch(/^\/share\/[A-Za-z0-9_-]{43}\/report$/);
        await reviewer.goto(report!);
        await expect(reviewer.getByTestId("share-report-verified")).toBeVisible();
        await watched.step("shared-report", { hasNav: false });
      } finally {
        await reviewerContext.close();
      }
    });
  });
}
