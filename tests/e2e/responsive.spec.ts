import { expect as baseExpect, test } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";
import { ALL_NAV_CLICKABLE, navLinksClickable } from "./support/page";

/**
 * Threadline on a small laptop screen (1024x768), and the finish every page needs: every navigation
 * link clickable (nothing covers it), no horizontal scroll, and no request that answers 404.
 */
const expect = baseExpect.configure({ timeout: 15_000 });

const PAGES = [
  "/",
  `/lineage?node=${encodeURIComponent(DEMO_STORY.fineTunedModel)}&selected=${encodeURIComponent(DEMO_STORY.fineTunedModel)}`,
  `/investigate?node=${encodeURIComponent(DEMO_STORY.failedBatch)}`,
  "/investigate",
  `/investigate/causes?node=${encodeURIComponent(DEMO_STORY.generatedBatches)}`,
  "/catalog",
  "/lineage",
  "/audit",
  "/share",
];

test.describe("1024x768", () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  for (const path of PAGES) {
    test(`${path}: every nav link is clickable and nothing scrolls sideways`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('nav[aria-label="Main"] a')).toHaveCount(6);
      await expect.poll(() => navLinksClickable(page)).toEqual(ALL_NAV_CLICKABLE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }

  test("a click on Investigate and on Audit log opens them", async ({ page }) => {
    await page.goto(PAGES[1]);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Investigate" }).click();
    await expect(page).toHaveURL(/\/investigate$/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/audit$/);
  });
});

test("no page asks for something that is not there (no 404 in the network log), the favicon included", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  for (const path of PAGES) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  expect(missing).toEqual([]);
  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/icon/);
});
