import { expect, test } from "@playwright/test";
import { runCrashScenario } from "../../scripts/reliability/lib/crash-scenario";
import { runFuzzScenario } from "../../scripts/reliability/lib/fuzz-scenario";
import { LOAD_DEFAULTS, runLoadScenario } from "../../scripts/reliability/lib/load-scenario";
import { ensureBuild } from "../../scripts/harness/build";
import { writeReport } from "../../scripts/reliability/lib/stats";

/**
 * The reliability scenarios of docs/reliability.md, reduced to fit the suite. Each runs its own
 * production server (`next start`) on a free port with a fresh store; the full versions are
 * `npm run reliability:crash`, `reliability:load` and `reliability:fuzz`.
 */

test.beforeAll(() => ensureBuild());

test("crash safety: 2 SIGKILLs and lost answers during 300 retried events lose nothing, store nothing twice, and the store verifies", async () => {
  test.setTimeout(150_000);
  const figures = await runCrashScenario({ events: 300, kills: 2, clients: 4, batchEvery: 5, batchSize: 10, dropRate: 0.05, log: console.log });
  writeReport("crash-suite", figures);
  console.log(`crash: ${JSON.stringify({ ...figures, options: undefined })}`);
  expect(figures.crashes, "the server was killed twice").toBe(2);
  expect(figures.networkErrors, "the kills did cut clients off").toBeGreaterThan(0);
  expect(figures.answersDropped, "the proxy lost some answers").toBeGreaterThan(0);
  expect(figures.acknowledgedAsDuplicate, "retries of committed events were recognised as duplicates").toBeGreaterThan(0);
  expect(figures.acknowledged, "every event was acknowledged in the end").toBe(300);
  expect(figures.lost, "acknowledged events missing after the restarts").toBe(0);
  expect(figures.duplicates, "events stored twice").toBe(0);
  expect(figures.stored).toBe(300);
  expect(figures.status5xx).toBe(0);
  expect(figures.verify.exitCode, "npm run verify").toBe(0);
  expect(figures.verify.isChainOk && figures.verify.isProjectionOk).toBe(true);
  expect(figures.auditVerifyOk, "GET /api/v1/audit/verify").toBe(true);
  expect(figures.isPassed).toBe(true);
});

test("load: 16 clients, 2,000 events in bursts with npm run ingest writing alongside: no 5xx, no 'database is locked', all stored once", async () => {
  test.setTimeout(180_000);
  const figures = await runLoadScenario({ ...LOAD_DEFAULTS, events: 2000, cliEvents: 1000, cliRuns: 1, log: console.log });
  writeReport("load-suite", figures);
  console.log(`load: ${JSON.stringify({ ...figures, options: undefined })}`);
  expect(figures.status5xx).toBe(0);
  expect(figures.lockedErrors).toBe(0);
  expect(figures.networkErrors).toBe(0);
  expect(figures.batchRequests, "batches were mixed in").toBeGreaterThan(0);
  expect(figures.cli.map((c) => c.exitCode), "the concurrent ingest CLI succeeded").toEqual([0]);
  expect(figures.acknowledged).toBe(2000);
  expect(figures.lost).toBe(0);
  expect(figures.duplicates).toBe(0);
  expect(figures.stored).toBe(3000);
  expect(figures.verify.exitCode).toBe(0);
  expect(figures.latencyMs.all.p95, "p95 latency is reported").toBeGreaterThan(0);
  expect(figures.isPassed).toBe(true);
});

test("bad input: 1,000 fuzzed malformed requests all answer 4xx with a clear error, the server stays up, nothing half-written", async () => {
  test.setTimeout(150_000);
  const figures = await runFuzzScenario({ cases: 1000, seed: 11, concurrency: 4, maxRssMiB: 1024, log: console.log });
  writeReport("fuzz-suite", figures);
  console.log(`fuzz: ${JSON.stringify({ ...figures, options: undefined, byCategory: undefined })}`);
  expect(figures.failures, "cases answered wrongly").toEqual([]);
  expect(figures.status5xx).toBe(0);
  expect(figures.networkErrors).toBe(0);
  expect(figures.unclearErrors).toBe(0);
  expect(figures.answered4xx).toBeGreaterThan(900);
  expect(figures.unexpectedExits).toBe(0);
  expect(figures.healthChecksFailed).toBe(0);
  expect(figures.eventsInStore, "only the valid events were stored").toBe(figures.validEventsStored);
  expect(figures.rssMiB.peak ?? 0).toBeLessThan(1024);
  expect(figures.verify.exitCode).toBe(0);
  expect(figures.isPassed).toBe(true);
});
