import http from "node:http";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { errorOf, send, type HttpResult } from "../../scripts/reliability/lib/client";
import { generateEvents } from "../../scripts/reliability/lib/events";
import { ensureBuild } from "../../scripts/harness/build";
import type { ServerProcess } from "../../scripts/harness/server";
import { createStore, startScenarioServer } from "../../scripts/reliability/lib/server";

/**
 * The limits that protect the server, on a server of its own with low limits: a write rate limit
 * (one request every 2 s, bursts of 10), a 1 MiB body and 50-event batches; nesting and string
 * length are fixed (64 levels, 1,000,000 characters).
 */

const RATE = 0.5;
const BURST = 10;
const MAX_BODY = 1024 * 1024;
const MAX_BATCH = 50;

let server: ServerProcess;
let cleanup: () => void;
let client = 0;

/** A client of its own: anonymous writers are limited per address, which Next reads from X-Forwarded-For. */
const newClient = () => ({ "x-forwarded-for": `10.0.0.${++client}`, "content-type": "application/json" });

function post(path: string, body: string | Buffer, headers: Record<string, string>, agent?: http.Agent): Promise<HttpResult> {
  return send(server.baseUrl, { path, body, headers, agent });
}

function expectError(result: HttpResult, status: number, code: string, message: RegExp) {
  expect(result.status, result.body.slice(0, 300)).toBe(status);
  const error = errorOf(result);
  expect(error?.code).toBe(code);
  expect(error?.message).toMatch(message);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ensureBuild();
  const store = createStore("limits");
  cleanup = store.cleanup;
  server = await startScenarioServer({
    dbFile: store.dbFile,
    env: {
      THREADLINE_RATE_LIMIT_PER_SECOND: String(RATE),
      THREADLINE_RATE_LIMIT_BURST: String(BURST),
      THREADLINE_MAX_BODY_BYTES: String(MAX_BODY),
      THREADLINE_MAX_BATCH_EVENTS: String(MAX_BATCH),
    },
  });
});

test.afterAll(async () => {
  await server?.stop();
  cleanup?.();
});

/** Posts until the first 429 (at most `max` requests); the statuses before it and the 429 itself. */
async function postUntilLimited(path: string, bodies: string[], headers: Record<string, string>, agent?: http.Agent) {
  const accepted: number[] = [];
  for (const body of bodies) {
    const answer = await post(path, body, headers, agent);
    if (answer.status === 429) return { accepted, refused: answer };
    accepted.push(answer.status);
  }
  return { accepted, refused: null };
}

test("writes beyond the burst answer 429 with Retry-After and the limit in the message; the client may write again after waiting", async () => {
  test.setTimeout(60_000);
  const headers = newClient();
  const events = generateEvents("limits-rate", BURST + 10).map((e) => JSON.stringify(e));
  const { accepted, refused } = await postUntilLimited("/api/v1/lineage", events.slice(0, BURST + 5), headers);
  // The burst goes through at once; a slow machine may have earned a token more meanwhile.
  expect(accepted.length).toBeGreaterThanOrEqual(BURST);
  expect(accepted.length).toBeLessThanOrEqual(BURST + 2);
  expect(new Set(accepted)).toEqual(new Set([201]));
  expect(refused, "a write beyond the burst is refused").not.toBeNull();
  expectError(refused!, 429, "rate_limited", new RegExp(`limit is ${RATE} requests per second \\(bursts up to ${BURST}\\)`));
  const retryAfter = Number(refused!.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(1 / RATE));
  // The batch endpoint shares the bucket.
  expect((await post("/api/v1/lineage/batch", `[${events[BURST + 6]}]`, headers)).status).toBe(429);
  // Reads are not limited.
  expect((await send(server.baseUrl, { method: "GET", path: "/api/v1/stats" })).status).toBe(200);
  // Another client has its own bucket.
  expect((await post("/api/v1/lineage", events[BURST + 7], newClient())).status).toBe(201);

  await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  expect((await post("/api/v1/lineage", events[BURST + 8], headers)).status).toBe(201);
});

test("a 429 on a kept-alive connection leaves it usable for the next request", async () => {
  const headers = newClient();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const body = JSON.stringify(generateEvents("limits-keepalive", 1)[0]);
    const { accepted, refused } = await postUntilLimited("/api/v1/lineage", new Array(BURST + 5).fill(body), headers, agent);
    expect(accepted[0]).toBe(201);
    expect(new Set(accepted.slice(1))).toEqual(new Set([200]));
    expect(refused?.status).toBe(429);
    expect((await post("/api/v1/lineage", body, headers, agent)).status).toBe(429);
    const read = await send(server.baseUrl, { method: "GET", path: "/api/v1/stats", agent, timeoutMs: 5000 });
    expect(read.status).toBe(200);
  } finally {
    agent.destroy();
  }
});

test("a body over the limit answers 413 naming the limit, before or after gzip, declared or streamed", async () => {
  const big = Buffer.from(`{"padding":"${"x".repeat(MAX_BODY)}"}`);
  expectError(await post("/api/v1/lineage", big, newClient()), 413, "payload_too_large", new RegExp(`limit of ${MAX_BODY} bytes`));
  const streamed = await send(server.baseUrl, { path: "/api/v1/lineage", body: big, headers: newClient(), isChunked: true });
  expectError(streamed, 413, "payload_too_large", new RegExp(`limit of ${MAX_BODY} bytes`));
  const bomb = gzipSync(Buffer.alloc(64 * MAX_BODY, " "));
  expect(bomb.length).toBeLessThan(MAX_BODY);
  expectError(await post("/api/v1/lineage", bomb, { ...newClient(), "content-encoding": "gzip" }), 413, "payload_too_large", new RegExp(`${MAX_BODY}`));
});

test("a batch over the event limit answers 413 naming the limit, and stores nothing of it", async () => {
  const before = JSON.parse((await send(server.baseUrl, { method: "GET", path: "/api/v1/stats" })).body) as { events: number };
  const batch = generateEvents("limits-batch", MAX_BATCH + 1);
  expectError(await post("/api/v1/lineage/batch", JSON.stringify(batch), newClient()), 413, "payload_too_large", new RegExp(`at most ${MAX_BATCH} events; this one has ${MAX_BATCH + 1}`));
  const after = JSON.parse((await send(server.baseUrl, { method: "GET", path: "/api/v1/stats" })).body) as { events: number };
  expect(after.events).toBe(before.events);
  expect((await post("/api/v1/lineage/batch", JSON.stringify(batch.slice(0, MAX_BATCH)), newClient())).status).toBe(201);
});

test("nesting deeper than 64 levels answers 400: before parsing for the body, with the path for an event", async () => {
  const event = generateEvents("limits-depth", 1)[0];
  const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
  // The event is level 1, run 2, facets 3: a facet value of 62 levels (4 to 65) is one too many.
  const tooDeepEvent = JSON.stringify({ ...event, run: { ...event.run, facets: { deep: "X" } } }).replace('"X"', deep(62));
  const answer = await post("/api/v1/lineage", tooDeepEvent, newClient());
  expectError(answer, 400, "invalid_event", /not a valid OpenLineage event/);
  expect(answer.body).toMatch(/nested deeper than 64 levels/);
  const okEvent = JSON.stringify({ ...event, run: { ...event.run, facets: { deep: "X" } } }).replace('"X"', deep(61));
  expect((await post("/api/v1/lineage", okEvent, newClient())).status).toBe(201);
  // A body nested far deeper is refused by the raw scan, before JSON.parse spends time on it.
  const started = performance.now();
  expectError(await post("/api/v1/lineage", deep(400_000), newClient()), 400, "bad_request", /nested deeper than 65 levels/);
  expect(performance.now() - started).toBeLessThan(5000);
});

test("a string longer than 1,000,000 characters answers 400 naming the field", async () => {
  const event = generateEvents("limits-string", 1)[0];
  const answer = await post("/api/v1/lineage", JSON.stringify({ ...event, job: { namespace: "limits", name: "n".repeat(1_000_001) } }), newClient());
  expectError(answer, 400, "invalid_event", /not a valid OpenLineage event/);
  expect(answer.body).toMatch(/"path":"job\.name","message":"is longer than 1000000 characters"/);
});
