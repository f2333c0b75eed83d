import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/harness/chromium";

/**
 * End-to-end tests: a real Chromium (Debian's, no browser download) against the real production
 * server with the demo loaded. `api` specs speak HTTP to the server; `e2e` specs drive the UI.
 * With THREADLINE_TEST_POSTGRES_URL, a second server on PostgreSQL (port E2E_PORT + 1000, database
 * threadline_e2e_<port>, emptied at its start by scripts/e2e-database.ts) answers the `api` specs
 * again as the `api-postgresql` project.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

const postgresPort = port + 1000;
const postgresBaseURL = `http://127.0.0.1:${postgresPort}`;
const postgresDatabaseURL = process.env.THREADLINE_TEST_POSTGRES_URL ? databaseOnServer(process.env.THREADLINE_TEST_POSTGRES_URL, `threadline_e2e_${postgresPort}`) : null;

/** The URL of database `name` on the server `url` names. */
function databaseOnServer(url: string, name: string): string {
  const onServer = new URL(url);
  onServer.pathname = `/${name}`;
  return onServer.toString();
}

/**
 * What the PostgreSQL run leaves out: the specs that start servers of their own (protected mode,
 * other configurations, several servers on PostgreSQL, the reliability scenarios), which cover what
 * they need themselves, and one covered by another spec there.
 */
const POSTGRESQL_SKIPS = [
  "api/auth.spec.ts",
  "api/bounded-reads.spec.ts",
  "api/config-startup.spec.ts",
  "api/hardening.spec.ts",
  "api/multi-server.spec.ts",
  "api/private-reads.spec.ts",
  "api/reliability-limits.spec.ts",
  "api/reliability-scenarios.spec.ts",
  "api/security.spec.ts",
  // Concurrent single POSTs on PostgreSQL are what multi-server.spec.ts checks, at a larger scale
  // (8 clients × 250 over three servers, retries included); once is enough for CI's time.
  "api/ingest-concurrency.spec.ts",
];

const webServer = {
  command: "bash scripts/e2e-server.sh",
  reuseExistingServer: !process.env.CI,
  timeout: 180_000,
  stdout: "pipe",
  stderr: "pipe",
} as const;

export default defineConfig({
  testDir: "tests",
  testMatch: ["api/**/*.spec.ts", "e2e/**/*.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: "playwright-report" }],
    ["json", { outputFile: "reports/playwright.json" }],
  ],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: "api", testMatch: "api/**/*.spec.ts" },
    { name: "e2e", testMatch: "e2e/**/*.spec.ts", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } },
    ...(postgresDatabaseURL ? [{ name: "api-postgresql", testMatch: "api/**/*.spec.ts", testIgnore: POSTGRESQL_SKIPS, use: { baseURL: postgresBaseURL } }] : []),
  ],
  webServer: [
    { ...webServer, url: `${baseURL}/api/v1/stats` },
    ...(postgresDatabaseURL
      ? [{ ...webServer, url: `${postgresBaseURL}/api/v1/stats`, env: { E2E_PORT: String(postgresPort), E2E_DATABASE_URL: postgresDatabaseURL } }]
      : []),
  ],
});
