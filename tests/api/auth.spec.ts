import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ownPort } from "../support/own-server";
import { expectError, getStats, makeRunEvent, postBatch, postEvent, uniqueNamespace } from "./support/api";

/**
 * With THREADLINE_API_KEY set, writes need `Authorization: Bearer <key>`. The shared e2e server runs
 * in demo mode (no key), so this spec starts its own production server on another port and database,
 * with the key set, and stops it afterwards.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PORT = ownPort(1);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DB_FILE = "data/e2e-auth.db";
const KEY = "secret";

let server: ChildProcess | null = null;
let serverLog = "";
let api: APIRequestContext;

async function isUp(): Promise<boolean> {
  try {
    return (await fetch(`${BASE_URL}/api/v1/stats`)).ok;
  } catch {
    return false;
  }
}

test.describe("API key", () => {
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    if (await isUp()) throw new Error(`Port ${PORT} is already serving; stop that server or set E2E_AUTH_PORT.`);
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(path.join(ROOT, DB_FILE + suffix), { force: true });
    const env = { ...process.env, DATABASE_URL: `file:./${DB_FILE}`, THREADLINE_API_KEY: KEY };
    execFileSync("npm", ["run", "-s", "db:migrate"], { cwd: ROOT, env, stdio: "pipe" });
    server = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(PORT)], {
      cwd: ROOT,
      env,
      detached: true, // its own process group, so afterAll stops next and anything it started
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (d) => (serverLog += d));
    server.stderr?.on("data", (d) => (serverLog += d));
    const deadline = Date.now() + 60_000;
    while (!(await isUp())) {
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new Error(`The API-key server did not start on ${PORT}:\n${serverLog}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    api = await playwrightRequest.newContext({ baseURL: BASE_URL });
  });

  test.afterAll(async () => {
    await api?.dispose();
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null && server.signalCode === null) process.kill(-server.pid, "SIGKILL");
    }
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
