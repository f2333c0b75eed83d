import fs from "node:fs";
import path from "node:path";
import type { Page, TestInfo } from "@playwright/test";

/** Helpers the e2e specs share for a whole page: its navigation as a person reaches it, and what went wrong while it loaded. */

/** The main navigation's links, as the header shows them. */
export const NAV_LINKS = ["Overview", "Catalogue", "Explorer", "Investigate", "Provenance", "Audit log"] as const;

/** For each main navigation link, whether the element at its centre is that link (or inside it): nothing covers it. */
export function navLinksClickable(page: Page): Promise<Record<string, boolean>> {
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

/** Every nav link, clickable. */
export const ALL_NAV_CLICKABLE: Record<string, boolean> = Object.fromEntries(NAV_LINKS.map((name) => [name, true]));

/**
 * Collects what a person would call broken while using a page: console errors, uncaught errors and
 * requests answered 404. Read the returned list whenever; it grows as the page goes on.
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() === 404) problems.push(`404: ${response.url()}`);
  });
  return problems;
}

/**
 * Attaches a screenshot of the page to the test's report and, when SCREENSHOTS_DIR is set, writes
 * it there too: that is how the README's pictures are made (`npm run screenshots`).
 */
export async function keepScreenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  // Let the fit-view animation settle before the picture.
  await page.waitForTimeout(600);
  const body = await page.screenshot();
  await info.attach(name, { body, contentType: "image/png" });
  const dir = process.env.SCREENSHOTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
}
