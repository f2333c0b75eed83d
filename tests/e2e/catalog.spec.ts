import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { ownPort, ownServerForTests } from "../support/own-server";

/**
 * Browsing instead of searching: the catalogue of datasets, models and jobs (type tabs with counts,
 * name and namespace filters, order, pages), reached from the header and the overview; and the
 * explorer's start page, which suggests models, recent changes and failed outputs, or, on an empty
 * store, says how lineage gets in.
 */
const expect = baseExpect.configure({ timeout: 15_000 });
const S = DEMO_STORY;

const rowIds = (page: import("@playwright/test").Page) => page.getByTestId("catalog-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-node-id")));

test.describe("catalogue", () => {
  test("the header's Catalogue lists everything with counts by type; a type tab and the name filter narrow it", async ({ page }, info) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalogue" }).click();
    await expect(page).toHaveURL("/catalog");
    await expect(page).toHaveTitle(/Catalogue/);

    const modelsTab = page.getByTestId("catalog-type-model");
    const modelCount = Number((await modelsTab.locator("span").textContent())?.replace(/\D/g, ""));
    expect(modelCount).toBeGreaterThanOrEqual(2);
    await modelsTab.click();
    await expect(page).toHaveURL("/catalog?type=model");
    await expect(modelsTab).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("catalog-row")).toHaveCount(modelCount);
    await expect(page.getByTestId("catalog-row").filter({ hasText: "models/binding-affinity-ft" })).toContainText("3 versions");
    await info.attach("catalogue-models", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    await page.getByTestId("catalog-type-all").click();
    await expect(page).toHaveURL("/catalog");
    await page.getByLabel("Name contains").fill("molecules");
    await page.getByTestId("catalog-apply").click();
    await expect(page).toHaveURL(/\/catalog\?q=molecules/);
    await expect(page.getByLabel("Name contains")).toHaveValue("molecules");
    const names = await page.getByTestId("catalog-link").allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.toLowerCase()).toContain("molecules");

    // A row opens the node in the explorer with its details.
    await page.locator(`[data-testid="catalog-row"][data-node-id="${S.generatedBatches}"]`).getByTestId("catalog-link").click();
    await expect(page).toHaveURL(/\/lineage\?/);
    await expect(page.getByTestId("side-panel")).toHaveAttribute("data-node-id", S.generatedBatches);
  });

  test("pages through everything, 50 at a time, without repeating an entry, and sorts by last update", async ({ page }) => {
    await page.goto("/catalog");
    const range = page.getByTestId("catalog-range");
    await expect(range).toContainText(/^1–50 of [\d,]+ · page 1 of \d+$/);
    const first = await rowIds(page);
    expect(first).toHaveLength(50);
    await page.getByRole("link", { name: "Next →" }).click();
    await expect(page).toHaveURL("/catalog?page=2");
    await expect(range).toContainText(/^51–\d+ of [\d,]+ · page 2 of \d+$/);
    const second = await rowIds(page);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await page.getByRole("link", { name: "← Previous" }).click();
    await expect(page).toHaveURL("/catalog");

    await page.getByLabel("Order").selectOption("updated");
    await page.getByTestId("catalog-apply").click();
    await expect(page).toHaveURL("/catalog?sort=updated");
    const times = await page.getByTestId("catalog-row").locator("td:last-child").evaluateAll((cells) => cells.map((c) => c.getAttribute("title") ?? ""));
    expect(times).toEqual([...times].sort().reverse());
  });

  test("the overview's namespaces and counts open the catalogue filtered to them", async ({ page }) => {
    await page.goto("/");
    const namespace = page.getByTestId("namespace-link").filter({ hasText: "mlflow://helix-bio" });
    await namespace.click();
    await expect(page).toHaveURL(`/catalog?namespace=${encodeURIComponent("mlflow://helix-bio")}`);
    await expect(page.getByLabel("Namespace")).toHaveValue("mlflow://helix-bio");
    const namespaces = await page.getByTestId("catalog-row").locator("td:nth-child(3)").allTextContents();
    expect(namespaces.length).toBeGreaterThan(0);
    expect(new Set(namespaces)).toEqual(new Set(["mlflow://helix-bio"]));

    await page.goto("/");
    await page.getByTestId("stat-jobs").click();
    await expect(page).toHaveURL("/catalog?type=job");
    await expect(page.getByTestId("catalog-type-job")).toHaveAttribute("aria-current", "page");
  });

  test("a bad catalogue address names the field and why", async ({ page }) => {
    await page.goto("/catalog?type=tables&page=0");
    await expect(page.getByTestId("catalog-problems")).toContainText("type: expected one of all, dataset, model, job");
    await expect(page.getByTestId("catalog-problems")).toContainText("page: expected an integer from 1 to 100000, got 0");
  });
});

test.describe("explorer start", () => {
  test("with no node chosen, the explorer suggests models, recent changes and failed outputs, each opening with its details", async ({ page }, info) => {
    await page.goto("/lineage");
    const start = page.getByTestId("explorer-start");
    await expect(start.getByTestId("start-models")).toContainText("models/binding-affinity-ft");
    await expect(start.getByTestId("start-recent").getByTestId("start-link")).toHaveCount(5);
    await expect(start.getByTestId("start-failed")).toContainText("generated/molecules-batch@2026-11-02");
    await info.attach("explorer-start", { body: await page.screenshot(), contentType: "image/png" });

    await start.getByTestId("start-failed").getByTestId("start-link").filter({ hasText: "@2026-11-02" }).click();
    const panel = page.getByTestId("side-panel");
    await expect(panel).toHaveAttribute("data-node-id", S.failedBatch);
    await expect(panel).toContainText("tox21-alerts");

    await page.goto("/lineage");
    await start.getByTestId("start-models").getByRole("link", { name: /models\/binding-affinity-ft/ }).click();
    await expect(page.getByTestId("side-panel")).toHaveAttribute("data-node-id", S.fineTunedModel);
    await page.goto("/lineage");
    await start.getByTestId("start-catalog").click();
    await expect(page).toHaveURL("/catalog");
  });

  test.describe("on an empty store", () => {
    const server = ownServerForTests({ port: ownPort(8), dbFile: "data/e2e-empty-start.db" });

    test("the explorer says how lineage gets in, and the catalogue that nothing is there", async ({ page }) => {
      await page.goto(`${server.baseURL}/lineage`);
      const start = page.getByTestId("explorer-start");
      await expect(start).toContainText("No lineage recorded yet");
      await expect(start).toContainText("POST /api/v1/lineage");
      await expect(start).toContainText("npm run db:seed");
      await page.goto(`${server.baseURL}/catalog`);
      await expect(page.getByTestId("catalog-type-all")).toContainText("0");
      await expect(page.getByText("The store holds no datasets or jobs yet.")).toBeVisible();
    });
  });
});
