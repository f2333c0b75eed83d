import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ownPort, ownServerForTests } from "../support/own-server";
import { expectError, getStats, makeRunEvent, postBatch, postEvent, uniqueNamespace } from "./support/api";

/**
 * With THREADLINE_API_KEY set, writes need `Authorization: Bearer <key>`. The shared e2e server runs
 * in demo mode (no key), so this spec starts its own production server on another port and database,
 * with the key set, and stops it afterwards.
 */

const PORT = ownPort(1);
const KEY = "secret";

let api: APIRequestContext;

test.describe("API key", () => {
  const server = ownServerForTests({ port: PORT, dbFile: "data/e2e-auth.db", env: { THREADLINE_API_KEY: KEY } });

  test.beforeAll(async () => {
    api = await playwrightRequest.newContext({ baseURL: server.baseURL });
  });

  test.afterAll(async () => {
    await api?.dispose();
  });

  test("a write without a key is refused with 401, the error shape and a WWW-Authenticate challenge", async () => {
    const event = makeRunEvent(uniqueNamespace("auth"));
    const answer = await postEvent(api, event);
    expectError(answer, 401, "unauthorized");
    expect(answer.response.headers()["www-authenticate"]).toMatch(/^Bearer/);
    expectError(await postBatch(api, [event]), 401, "unauthorized");
    expect((await getStats(api)).events).toBe(0);
  });

  test("a wrong key, a key without the Bearer scheme and a Basic credential are all refused with 401", async () => {
    const event = makeRunEvent(uniqueNamespace("auth"));
    for (const authorization of ["Bearer wrong", `Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, KEY, `Basic ${Buffer.from(`user:${KEY}`).toString("base64")}`, "Bearer "]) {
      expectError(await postEvent(api, event, { authorization }), 401, "unauthorized");
      expectError(await postBatch(api, [event], { authorization }), 401, "unauthorized");
    }
    expect((await getStats(api)).events).toBe(0);
  });

  test("without a key the body is not even read: invalid JSON still answers 401", async () => {
    expectError(await postEvent(api, "{not json"), 401, "unauthorized");
  });

  test("the right key writes: 201 for one event and for a batch, and reads need no key", async () => {
    const ns = uniqueNamespace("auth");
    const headers = { authorization: `Bearer ${KEY}` };
    const one = await postEvent(api, makeRunEvent(ns, { outputs: ["table"] }), headers);
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    const batch = await postBatch(api, [makeRunEvent(ns), makeRunEvent(ns)], headers);
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    expect(batch.body.created).toBe(2);
    const stats = await getStats(api);
    expect(stats.events).toBe(3);
    const node = await api.get(`/api/v1/nodes/${encodeURIComponent(`dataset:${ns}:table`)}`);
    expect(node.status()).toBe(200);
  });
});
