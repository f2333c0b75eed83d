import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";

/** The search dialog as a person uses it: suggestions first, typos forgiven, a type filter. */
const expect = baseExpect.configure({ timeout: 15_000 });

test("the empty box suggests models and failed outputs; a misspelt query narrowed to models opens the model", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("search-trigger").click();
  const dialog = page.getByTestId("search-dialog");
  await expect(dialog.locator(`[data-testid="search-suggestion"][data-node-id="${DEMO_STORY.fineTunedModel}"]`).first()).toBeVisible();
  await expect(dialog.locator(`[data-testid="search-suggestion"][data-node-id="${DEMO_STORY.failedBatch}"]`)).toBeVisible();

  await dialog.getByRole("combobox").fill("bindng afinity");
  const results = dialog.getByTestId("search-result");
  await expect(results.first()).toBeVisible();
  await expect(dialog.locator(`[data-testid="search-result"][data-node-id="${DEMO_STORY.fineTunedModel}"]`)).toBeVisible();
  const allCount = await results.count();

  await dialog.getByTestId("search-type-model").click();
  await expect(dialog.getByTestId("search-type-model")).toHaveAttribute("aria-pressed", "true");
  await expect.poll(() => results.count()).toBeLessThan(allCount);
  await expect(results.first()).toHaveAttribute("data-node-id", DEMO_STORY.fineTunedModel);
  await page.keyboard.press("Enter");

  await expect.poll(() => new URL(page.url()).searchParams.get("selected")).toBe(DEMO_STORY.fineTunedModel);
  await expect(page.getByTestId("side-panel-title")).toContainText("binding-affinity-ft");

  // Opened once, it is offered again under Recent.
  await page.getByTestId("search-trigger").click();
  await expect(page.getByRole("listbox").getByText("Recent", { exact: true })).toBeVisible();
});
