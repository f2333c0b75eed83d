import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_STORY } from "../../lib/demo/drug-discovery";

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

/** True when the element at the centre of each main navigation link is that link (or inside it). */
function navLinksClickable(page: Page): Promise<Record<string, boolean>> {
  return page.evaluate(() => {
    const result: Record<string, boolean> = {};
    for (const link of document.querySelectorAll<HTMLAnchorElement>('nav[aria-label="Main"] a')) {
      const box = link.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      result[link.textContent ?? "?"] = box.width > 0 && !!hit && (hit === link || link.contains(hit));
    }
    return result;
  });
}

test.describe("1024x768", () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  for (const path of PAGES) {
    test(`${path}: every nav link is clickable and nothing scrolls sideways`, async ({ page }) => {
      await page.goto(path);
      await expect(page.locator('nav[aria-label="Main"] a')).toHaveCount(6);
      await expect.poll(() => navLinksClickable(page)).toEqual({ Overview: true, Catalogue: true, Explorer: true, Investigate: true, Provenance: true, "Audit log": true });
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
