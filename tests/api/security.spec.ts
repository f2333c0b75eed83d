import { randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ownPort, ownServerForTests } from "../support/own-server";

/**
 * Access control, CSRF, share-link isolation and security headers.
 * - The shared e2e server runs in local demo mode: headers and share isolation are
 *   checked there.
 * - Protected mode is checked on a server of its own (port E2E_PORT + 3, its own database) started with
 *   THREADLINE_AUTH=on, an admin from THREADLINE_ADMIN_PASSWORD and THREADLINE_API_KEY.
 */

const PORT = ownPort(3);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const ADMIN = { username: "root", password: "correct horse battery staple" };
const ENV_KEY = "env-key-for-security-tests";
const EVIL = "https://evil.example";

const json = { "content-type": "application/json" };

// Small helpers of its own, so this spec depends on nothing but the server.
function uniqueNamespace(label: string): string {
  return `security-test-${label}-${randomUUID().slice(0, 8)}`;
}

function makeRunEvent(namespace: string, options: { job?: string; inputs?: string[]; outputs?: string[] } = {}) {
  return {
    eventType: "COMPLETE",
    eventTime: new Date().toISOString(),
    run: { runId: randomUUID() },
    job: { namespace, name: options.job ?? "job" },
    inputs: (options.inputs ?? []).map((name) => ({ namespace, name })),
    outputs: (options.outputs ?? []).map((name) => ({ namespace, name })),
    producer: "https://threadline.dev/tests/security",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  };
}

async function postEvent(context: APIRequestContext, event: object, headers: Record<string, string> = {}) {
  const response = await context.post("/api/v1/lineage", { data: event, headers: { ...json, ...headers } });
  return { status: response.status(), body: (await response.json()) as { error: { code: string; message: string } } };
}

// ---- on the open demo server --------------------------------------------------------------------

test.describe("security headers", () => {
  test("pages carry a nonce CSP and the usual headers; every nonce differs and every script has it", async ({ request }) => {
    const first = await request.get("/");
    const second = await request.get("/");
    const csp = first.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/);
    expect(csp).not.toContain("'unsafe-inline' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(second.headers()["content-security-policy"]).not.toContain(nonce);
    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    for (const response of [first, await request.get("/api/v1/stats")]) {
      const headers = response.headers();
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["referrer-policy"]).toBe("same-origin");
      expect(headers["permissions-policy"]).toContain("camera=()");
    }
    expect((await request.get("/api/v1/stats")).headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

test.describe("share links on the open server", () => {
  test("a token reads only the nodes of its snapshot; an unknown token is 404 and a revoked one 410", async ({ request }) => {
    const ns = uniqueNamespace("share");
    for (const event of [makeRunEvent(ns, { job: "clean", inputs: ["raw"], outputs: ["corpus"] }), makeRunEvent(ns, { job: "train", inputs: ["corpus"], outputs: ["model"] })]) {
      expect((await postEvent(request, event)).status).toBe(201);
    }
    const created = await request.post("/api/v1/shares", { data: { view: { nodeId: `dataset:${ns}:raw`, depth: 1, direction: "downstream" } } });
    expect(created.status(), await created.text()).toBe(201);
    const { token, share } = (await created.json()) as { token: string; share: { id: string; nodeCount: number } };
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(share.nodeCount).toBe(2);

    const inside = await request.get(`/api/v1/shares/${token}/nodes/${encodeURIComponent(`job:${ns}:clean`)}`);
    expect(inside.status()).toBe(200);
    expect(inside.headers()["cache-control"]).toBe("no-store");
    // The store has these nodes, but the snapshot does not: the token reaches none of them.
    for (const outside of [`dataset:${ns}:model`, `job:${ns}:train`, `dataset:${ns}:corpus`, "dataset:mlflow://helix-bio:models/binding-affinity-ft"]) {
      expect((await request.get(`/api/v1/nodes/${encodeURIComponent(outside)}`)).status(), outside).toBe(200);
      const viaShare = await request.get(`/api/v1/shares/${token}/nodes/${encodeURIComponent(outside)}`);
      expect(viaShare.status(), outside).toBe(404);
      expect(await viaShare.text()).not.toContain(outside.split(":").pop()!);
    }
    expect((await request.get(`/api/v1/shares/${token}/nodes/..%2F..%2Fnodes%2F${encodeURIComponent(`job:${ns}:train`)}`)).status()).toBe(404);
    const view = await (await request.get(`/api/v1/shares/${token}`)).json();
    expect(view.graph.nodes.map((n: { id: string }) => n.id).sort()).toEqual([`dataset:${ns}:raw`, `job:${ns}:clean`]);
    expect(view.verification.ok).toBe(true);

    // The owner's list never holds the token.
    const list = await request.get("/api/v1/shares");
    expect(await list.text()).not.toContain(token);

    const unknown = await request.get(`/api/v1/shares/${"A".repeat(43)}`);
    expect(unknown.status()).toBe(404);
    expect((await request.get(`/share/${"A".repeat(43)}`)).status()).toBe(404);

    const revoked = await request.delete(`/api/v1/shares/${share.id}`);
    expect(revoked.status()).toBe(200);
    expect((await revoked.json()).share.status).toBe("revoked");
    const gone = await request.get(`/api/v1/shares/${token}`);
    expect(gone.status()).toBe(410);
    expect(await gone.text()).not.toContain(ns);
    expect((await request.get(`/api/v1/shares/${token}/nodes/${encodeURIComponent(`job:${ns}:clean`)}`)).status()).toBe(410);
    expect((await request.get(`/share/${token}`)).status()).toBe(404);
  });
});

// ---- on a protected server of its own ----------------------------------------------------------

async function contexts() {
  return {
    browser: await playwrightRequest.newContext({ baseURL: BASE_URL }),
    machine: await playwrightRequest.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } }),
  };
}

async function signIn(context: APIRequestContext, password = ADMIN.password) {
  return context.post("/api/v1/auth/signin", { data: { username: ADMIN.username, password }, headers: { ...json, origin: BASE_URL } });
}

test.describe("protected mode", () => {
  test.describe.configure({ mode: "serial" });

  ownServerForTests({
    port: PORT,
    dbFile: "data/e2e-security.db",
    env: { THREADLINE_AUTH: "on", THREADLINE_API_KEY: ENV_KEY, THREADLINE_ADMIN_USER: ADMIN.username, THREADLINE_ADMIN_PASSWORD: ADMIN.password },
  });

  test("writes without credentials are refused (ingest, shares, keys); reads stay open; THREADLINE_API_KEY still writes", async () => {
    const { machine } = await contexts();
    const ns = uniqueNamespace("sec");
    const event = makeRunEvent(ns, { outputs: ["table"] });
    expect((await postEvent(machine, event)).status).toBe(401);
    expect((await machine.post("/api/v1/shares", { data: { view: { nodeId: `dataset:${ns}:table` } } })).status()).toBe(401);
    expect((await machine.post("/api/v1/keys", { data: { name: "sneaky" } })).status()).toBe(401);
    expect((await machine.get("/api/v1/shares")).status()).toBe(401);
    expect((await machine.get("/api/v1/stats")).status()).toBe(200);
    expect((await postEvent(machine, event, { authorization: `Bearer ${ENV_KEY}` })).status).toBe(201);
    expect((await machine.get(`/api/v1/nodes/${encodeURIComponent(`dataset:${ns}:table`)}`)).status()).toBe(200);
    await machine.dispose();
  });

  test("sign-in refuses a wrong password and an unknown user; the right one sets an HttpOnly SameSite=Lax session cookie", async () => {
    const { browser } = await contexts();
    const wrong = await signIn(browser, "not the password");
    expect(wrong.status()).toBe(401);
    expect(wrong.headers()["set-cookie"]).toBeUndefined();
    const unknown = await browser.post("/api/v1/auth/signin", { data: { username: "nobody", password: ADMIN.password }, headers: { ...json, origin: BASE_URL } });
    expect(unknown.status()).toBe(401);
    expect((await browser.get("/api/v1/auth/session")).ok()).toBe(true);
    expect((await (await browser.get("/api/v1/auth/session")).json()).user).toBeNull();

    const right = await signIn(browser);
    expect(right.status(), await right.text()).toBe(200);
    const cookie = right.headers()["set-cookie"];
    expect(cookie).toMatch(/^threadline_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const session = await (await browser.get("/api/v1/auth/session")).json();
    expect(session).toEqual({ isProtected: true, isReadProtected: false, user: { username: ADMIN.username, role: "admin" } });

    // A sign-in form posted from another site is refused (login CSRF).
    const crossSite = await browser.post("/api/v1/auth/signin", { data: ADMIN, headers: { ...json, origin: EVIL } });
    expect(crossSite.status()).toBe(403);
    await browser.dispose();
  });

  test("an admin creates a named key that writes; once revoked it is refused", async () => {
    const { browser, machine } = await contexts();
    expect((await signIn(browser)).status()).toBe(200);
    const name = `ci-${randomUUID().slice(0, 6)}`;
    const created = await browser.post("/api/v1/keys", { data: { name }, headers: { ...json, origin: BASE_URL } });
    expect(created.status(), await created.text()).toBe(201);
    const { key, secret } = (await created.json()) as { key: { id: number; name: string; prefix: string }; secret: string };
    expect(secret).toMatch(/^tlk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const listed = await browser.get("/api/v1/keys");
    expect(await listed.text()).not.toContain(secret);
    // A machine key cannot manage keys, even a valid one.
    expect((await machine.post("/api/v1/keys", { data: { name: "more" }, headers: { authorization: `Bearer ${secret}` } })).status()).toBe(403);

    const ns = uniqueNamespace("key");
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await postEvent(machine, makeRunEvent(ns, { outputs: ["a"] }), bearer)).status).toBe(201);

    const revoked = await browser.delete(`/api/v1/keys/${key.id}`, { headers: { origin: BASE_URL } });
    expect(revoked.status()).toBe(200);
    expect((await revoked.json()).key.revokedBy).toBe(`user:${ADMIN.username}`);
    const refused = await postEvent(machine, makeRunEvent(ns, { outputs: ["b"] }), bearer);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/revoked/);
    await browser.dispose();
    await machine.dispose();
  });

  test("anonymous readers see no senders or raw payloads in the audit log, nor filter by sender; a key holder sees both", async () => {
    const { machine } = await contexts();
    const ns = uniqueNamespace("audit");
    const posted = await postEvent(machine, makeRunEvent(ns, { outputs: ["secret-table"] }), { authorization: `Bearer ${ENV_KEY}` });
    expect(posted.status).toBe(201);
    const withKey = { authorization: `Bearer ${ENV_KEY}` };
    const known = (await (await machine.get(`/api/v1/audit/events?job=${encodeURIComponent(`job:${ns}:job`)}`, { headers: withKey })).json()) as {
      events: { seq: number; sender: string | null }[];
    };
    expect(known.events[0].sender).toBe("api-key");
    const seq = known.events[0].seq;
    expect((await (await machine.get(`/api/v1/audit/events/${seq}`, { headers: withKey })).json()).payload.job.namespace).toBe(ns);

    const anonymous = (await (await machine.get(`/api/v1/audit/events?job=${encodeURIComponent(`job:${ns}:job`)}`)).json()) as typeof known;
    expect(anonymous.events.map((e) => e.seq)).toContain(seq);
    expect(anonymous.events.every((e) => e.sender === null)).toBe(true);
    const record = await (await machine.get(`/api/v1/audit/events/${seq}`)).json();
    expect(record.payload).toBeNull();
    expect(record.sender).toBeNull();
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    const guess = await machine.get("/api/v1/audit/events?sender=api-key");
    expect(guess.status()).toBe(401);
    expect((await guess.json()).error.details[0].path).toBe("sender");
    const page = await (await machine.get("/audit")).text();
    expect(page).toContain("sender hidden");
    expect(page).not.toContain('id="audit-sender"');
    await machine.dispose();
  });

  test("CSRF: a cookie-authenticated write from another origin (or with no origin) is refused; from our own it works", async () => {
    const { browser } = await contexts();
    expect((await signIn(browser)).status()).toBe(200);
    const ns = uniqueNamespace("csrf");
    expect((await postEvent(browser, makeRunEvent(ns, { outputs: ["t"] }), { origin: BASE_URL })).status).toBe(201);
    const view = { view: { nodeId: `dataset:${ns}:t` } };

    const forgeries: Record<string, string>[] = [{ origin: EVIL }, { origin: "null" }, {}, { "sec-fetch-site": "cross-site" }];
    for (const headers of forgeries) {
      const forged = await browser.post("/api/v1/shares", { data: view, headers });
      expect(forged.status(), JSON.stringify(headers)).toBe(403);
      expect((await postEvent(browser, makeRunEvent(ns), headers)).status).toBe(403);
    }
    expect((await browser.post("/api/v1/keys", { data: { name: "forged" }, headers: { origin: EVIL } })).status()).toBe(403);

    const own = await browser.post("/api/v1/shares", { data: view, headers: { origin: BASE_URL } });
    expect(own.status(), await own.text()).toBe(201);
    const { share } = await own.json();
    expect(share.createdBy).toBe(`user:${ADMIN.username}`);
    expect((await browser.delete(`/api/v1/shares/${share.id}`, { headers: { origin: EVIL } })).status()).toBe(403);
    expect((await browser.delete(`/api/v1/shares/${share.id}`, { headers: { origin: BASE_URL } })).status()).toBe(200);

    // Signing out ends the session on the server: the same cookie, replayed, no longer writes.
    const { cookies } = await browser.storageState();
    const session = cookies.find((c) => c.name === "threadline_session")!;
    expect((await browser.post("/api/v1/auth/signout", { headers: { origin: BASE_URL } })).status()).toBe(200);
    const { machine } = await contexts();
    const replayed = await postEvent(machine, makeRunEvent(ns), { origin: BASE_URL, cookie: `threadline_session=${session.value}` });
    expect(replayed.status).toBe(401);
    await browser.dispose();
    await machine.dispose();
  });

  test("a key sees and revokes only its own shares; share viewers need no credentials and can write nothing", async () => {
    const { browser, machine } = await contexts();
    expect((await signIn(browser)).status()).toBe(200);
    const keys: string[] = [];
    for (const name of [`alice-${randomUUID().slice(0, 6)}`, `bob-${randomUUID().slice(0, 6)}`]) {
      const response = await browser.post("/api/v1/keys", { data: { name }, headers: { ...json, origin: BASE_URL } });
      keys.push((await response.json()).secret);
    }
    const [alice, bob] = keys.map((secret) => ({ authorization: `Bearer ${secret}` }));
    const ns = uniqueNamespace("owner");
    expect((await postEvent(machine, makeRunEvent(ns, { outputs: ["t"] }), alice)).status).toBe(201);
    const created = await machine.post("/api/v1/shares", { data: { view: { nodeId: `dataset:${ns}:t` } }, headers: alice });
    expect(created.status()).toBe(201);
    const { token, share } = await created.json();

    expect((await (await machine.get("/api/v1/shares", { headers: alice })).json()).shares.map((s: { id: string }) => s.id)).toContain(share.id);
    expect((await (await machine.get("/api/v1/shares", { headers: bob })).json()).shares).toEqual([]);
    expect((await machine.delete(`/api/v1/shares/${share.id}`, { headers: bob })).status()).toBe(404);

    // The link holder reads with no credentials at all, and the token is not a credential for writes.
    expect((await machine.get(`/api/v1/shares/${token}`)).status()).toBe(200);
    expect((await machine.get(`/share/${token}`)).status()).toBe(200);
    expect((await postEvent(machine, makeRunEvent(ns), { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await machine.delete(`/api/v1/shares/${share.id}`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
    await browser.dispose();
    await machine.dispose();
  });
});
