import { expect as baseExpect, test, type Locator, type Page, type Route } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { lineageUrl, nodeOnCanvas } from "./support/canvas";

// Graceful degradation: when the API fails, hangs or no longer knows a node, the explorer says so
// in words, offers a retry where one can help, and recovers once the server answers again.
const expect = baseExpect.configure({ timeout: 15_000 });

const isLineageRead = (url: URL) => url.pathname === "/api/v1/lineage";
const isNodeRead = (url: URL) => url.pathname.startsWith("/api/v1/nodes/");

const serverError = (route: Route) =>
  route.fulfill({
    status: 500,
    contentType: "application/json",
    body: JSON.stringify({ error: { code: "internal", message: "Something went wrong on the server.", details: [] } }),
  });

test.describe("graceful degradation", () => {
  test("a node the store does not know shows 'not in the store' with a way back, not a blank page", async ({ page }) => {
    await page.goto(lineageUrl("dataset:nope:nothing"));
    const empty = page.getByTestId("empty-state");
    await expect(empty).toContainText("This node is not in the store");
    await expect(empty).toContainText("dataset:nope:nothing");
    await expect(empty.getByRole("link", { name: "Back to the overview" })).toBeVisible();
    await expect(page.getByRole("banner")).toBeVisible();
    await test.info().attach("node-not-found", { body: await page.screenshot(), contentType: "image/png" });
  });

  test("a selected node that vanished shows 'not in the store' in the panel while the canvas still works", async ({ page }) => {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, `&selected=${encodeURIComponent("dataset:nope:vanished")}`));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    await expect(page.getByTestId("side-panel")).toContainText("This node is not in the store");
  });

  // The first view of a page load is read on the server (it paints framed at once), so the API's
  // failures show on the next view the explorer asks the API for: here, one more step of depth.
  async function openThenAskForMore(page: Page, failLineageReads: (route: Route) => unknown): Promise<void> {
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    await page.route(isLineageRead, failLineageReads);
    await page.getByTestId("depth-increase").click();
  }

  /** The server answers again: Retry on the alert draws the view. */
  async function retryOnceRecovered(page: Page, alert: Locator): Promise<void> {
    await page.unroute(isLineageRead);
    await alert.getByRole("button", { name: "Retry" }).click();
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
  }

  test("a 500 from the lineage API shows the error with a Retry that works once the server recovers", async ({ page }) => {
    await openThenAskForMore(page, serverError);
    const alert = page.getByTestId("error-state");
    await expect(alert).toContainText("Could not load this lineage");
    await expect(alert).toContainText("Something went wrong on the server.");
    await test.info().attach("lineage-api-500", { body: await page.screenshot(), contentType: "image/png" });

    await retryOnceRecovered(page, alert);
    await expect(page.getByTestId("error-state")).toHaveCount(0);
  });

  test("an unreachable server says so, and Retry recovers", async ({ page }) => {
    await openThenAskForMore(page, (route) => route.abort("connectionrefused"));
    const alert = page.getByTestId("error-state");
    await expect(alert).toContainText("The server could not be reached");

    await retryOnceRecovered(page, alert);
  });

  test("a request that hangs times out with a clear message instead of spinning forever, and Retry recovers", async ({ page }) => {
    await page.clock.install();
    const held: Route[] = [];
    await openThenAskForMore(page, (route) => {
      held.push(route); // never answered: a hung server
    });
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await expect(page.getByTestId("error-state")).toHaveCount(0);

    await page.clock.fastForward(21_000);
    const alert = page.getByTestId("error-state");
    await expect(alert).toContainText("did not answer within 20 seconds");

    await retryOnceRecovered(page, alert);
  });

  test("a failing details request shows the error in the panel with a Retry, and the canvas stays", async ({ page }) => {
    let isFailing = true;
    await page.route(isNodeRead, (route) => (isFailing ? serverError(route) : route.fallback()));
    await page.goto(lineageUrl(DEMO_STORY.fineTunedModel, `&selected=${encodeURIComponent(DEMO_STORY.fineTunedModel)}`));
    await expect(nodeOnCanvas(page, DEMO_STORY.fineTunedModel)).toBeVisible();
    const panel = page.getByTestId("side-panel");
    const alert = panel.getByTestId("error-state");
    await expect(alert).toContainText("Could not load this node's details");

    isFailing = false;
    await alert.getByRole("button", { name: "Retry" }).click();
    await expect(panel.getByTestId("side-panel-title")).toContainText("binding-affinity-ft");
  });

  test("an address that leads nowhere says 'Page not found' with a way back", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("Page not found")).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the overview" })).toBeVisible();
  });
});
