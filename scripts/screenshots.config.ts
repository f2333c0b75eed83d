import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./harness/chromium";

/**
 * `npm run screenshots`: the README's pictures, made anew. Walks the newcomer's journeys
 * (tests/e2e/journeys.spec.ts, at 1440x900 and 1024x768) and the key views (key-views.spec.ts)
 * against a running demo (`npm run demo`; THREADLINE_URL, default http://localhost:3000) and
 * writes each step's screenshot to docs/screenshots. Every check of those specs runs too, so a
 * picture of a broken page is never kept silently. The journeys write to the demo as a person
 * would (a share link, revocable on /share).
 */
process.env.SCREENSHOTS_DIR ??= path.resolve(import.meta.dirname, "../docs/screenshots");

export default defineConfig({
  testDir: "../tests/e2e",
  testMatch: ["journeys.spec.ts", "key-views.spec.ts"],
  workers: 1,
  timeout: 120_000,
  reporter: [["list"]],
  outputDir: "../test-results/screenshots",
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    baseURL: process.env.THREADLINE_URL ?? "http://localhost:3000",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
