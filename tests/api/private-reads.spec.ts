import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { ownPort, ROOT, ownServerForTests, type OwnServer } from "../support/own-server";

/**
 * Private reads and roles, on a server of this spec's own with THREADLINE_READ_AUTH=on: every page
 * and read endpoint (crawled from the route files of app/, so a new one cannot be forgotten) answers
 * 401 to an anonymous reader; a viewer key reads but cannot write; an editor writes but cannot
 * manage people or keys; a share link still opens for whoever holds it and leads nowhere else.
 */

const PORT = ownPort(8);
const ADMIN = { username: "root", password: "correct horse battery staple" };
const ENV_KEY = "env-key-for-private-read-tests";
/**
 * Readable without credentials by design: share links (the token is the capability), signing in
 * and the session probe, the public key (a share's holder checks a signed export with it), and the
 * JSON 404 of unknown API paths.
 */
const OPEN = [/^\/share\/\[token\]/, /^\/signin$/, /^\/api\/v1\/shares\/\[key\]/, /^\/api\/v1\/auth\//, /^\/api\/v1\/audit\/public-key$/, /^\/api\/\[\.\.\.path\]$/];

interface RouteFile {
  route: string;
  isPage: boolean;
  methods: string[];
}

/** Every route in app/, as its URL pattern (`/investigate/flags/[id]`), with whether it is a page. */
function routeFiles(): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^(page\.tsx|route\.ts)$/.test(entry.name)) {
        const route = "/" + path.relative(path.join(ROOT, "app"), dir).split(path.sep).join("/");
        const methods = [...fs.readFileSync(full, "utf8").matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
        found.push({ route: route === "/" ? "/" : route.replace(/\/$/, ""), isPage: entry.name === "page.tsx", methods });
      }
    }
  };
  walk(path.join(ROOT, "app"));
  return found;
}

/** A concrete address of a route pattern. */
function concrete(route: string): string {
  return route
    .replace("[...id]", encodeURIComponent("dataset:private:thing"))
    .replace("[seq]", "1")
    .replace(/\[[^\]]+\]/g, "x");
}

let server: OwnServer;

function anonymous(): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: server.baseURL, storageState: { cookies: [], origins: [] } });
}

async function signedIn(username: string, password: string): Promise<APIRequestContext> {
  const context = await anonymous();
  const answer = await context.post("/api/v1/auth/signin", { data: { username, password }, headers: { origin: server.baseURL } });
  expect(answer.status(), await answer.text()).toBe(200);
  return context;
}

function runEvent(namespace: string) {
  return {
    eventType: "COMPLETE",
    eventTime: new Date().toISOString(),
    run: { runId: randomUUID() },
    job: { namespace, name: "train" },
    inputs: [{ namespace, name: "corpus" }],
    outputs: [{ namespace, name: "model" }],
    producer: "https://threadline.dev/tests/private-reads",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  };
}

test.describe("with THREADLINE_READ_AUTH=on", () => {
  test.describe.configure({ mode: "serial" });

  server = ownServerForTests({
    port: PORT,
    dbFile: "data/e2e-private.db",
    env: { THREADLINE_READ_AUTH: "on", THREADLINE_API_KEY: ENV_KEY, THREADLINE_ADMIN_USER: ADMIN.username, THREADLINE_ADMIN_PASSWORD: ADMIN.password },
  });

  test("every page and read endpoint answers 401 to an anonymous reader (crawled from app/)", async () => {
    test.setTimeout(120_000);
    const client = await anonymous();
    const routes = routeFiles().filter((r) => !OPEN.some((open) => open.test(r.route)));
    const pages = routes.filter((r) => r.isPage);
    const reads = routes.filter((r) => !r.isPage && r.methods.includes("GET"));
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(reads.length).toBeGreaterThanOrEqual(20);
    const answered: string[] = [];
    for (const { route, isPage } of [...pages, ...reads]) {
      const response = await client.get(concrete(route), { maxRedirects: 0 });
      answered.push(`${route} ${response.status()}`);
      expect(response.status(), `${route} answered ${response.status()}`).toBe(401);
      const text = await response.text();
      if (isPage) {
        expect(text).toContain("Sign in to read this Threadline");
        // Nothing in the header reaches the store: no navigation, no search, no verification badge.
        expect(text).not.toMatch(/href="\/(lineage|audit|investigate)/);
        expect(text).not.toContain("Search datasets");
      } else {
        expect(JSON.parse(text).error.code).toBe("unauthorized");
      }
    }
    test.info().annotations.push({ type: "crawled", description: answered.join("; ") });
    // A wrong key is refused too, never taken for anonymous.
    const wrong = await client.get("/api/v1/stats", { headers: { authorization: "Bearer tlk_nope" } });
    expect(wrong.status()).toBe(401);
    // The open ones stay open.
    expect((await client.get("/signin")).status()).toBe(200);
    expect((await client.get("/api/v1/auth/session")).status()).toBe(200);
    await client.dispose();
  });

  test("a viewer key reads but cannot write (403); an editor key writes but cannot manage people or keys", async () => {
    const admin = await signedIn(ADMIN.username, ADMIN.password);
    const made = async (role: string) => {
      const answer = await admin.post("/api/v1/keys", { data: { name: `${role}-${randomUUID().slice(0, 6)}`, role }, headers: { origin: server.baseURL } });
      expect(answer.status(), await answer.text()).toBe(201);
      const body = (await answer.json()) as { key: { role: string }; secret: string };
      expect(body.key.role).toBe(role);
      return { authorization: `Bearer ${body.secret}` };
    };
    const viewer = await made("viewer");
    const editor = await made("editor");
    const machine = await anonymous();
    const ns = `private-${randomUUID().slice(0, 8)}`;
    const node = encodeURIComponent(`dataset:${ns}:model`);

    const refused = await machine.post("/api/v1/lineage", { data: runEvent(ns), headers: viewer });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.message).toMatch(/role viewer; writing needs editor/);
    expect((await machine.post("/api/v1/lineage", { data: runEvent(ns), headers: editor })).status()).toBe(201);
    expect((await machine.get(`/api/v1/nodes/${node}`, { headers: viewer })).status()).toBe(200);
    expect((await machine.get("/api/v1/stats", { headers: viewer })).status()).toBe(200);
    expect((await machine.get(`/api/v1/lineage?node=${node}`, { headers: viewer })).status()).toBe(200);
    expect((await machine.post("/api/v1/shares", { data: { view: { nodeId: `dataset:${ns}:model` } }, headers: viewer })).status()).toBe(403);

    expect((await machine.get("/api/v1/users", { headers: editor })).status()).toBe(403);
    expect((await machine.post("/api/v1/keys", { data: { name: "escalate", role: "admin" }, headers: editor })).status()).toBe(403);
    const badRole = await admin.post("/api/v1/keys", { data: { name: "odd", role: "owner" }, headers: { origin: server.baseURL } });
    expect(badRole.status()).toBe(400);
    expect((await badRole.json()).error.details[0].path).toBe("role");
    await admin.dispose();
    await machine.dispose();
  });

  test("a share link opens without credentials and reaches nothing beyond its snapshot", async () => {
    const machine = await anonymous();
    const ns = `shared-${randomUUID().slice(0, 8)}`;
    const writer = { authorization: `Bearer ${ENV_KEY}` };
    expect((await machine.post("/api/v1/lineage", { data: runEvent(ns), headers: writer })).status()).toBe(201);
    const share = await machine.post("/api/v1/shares", { data: { view: { nodeId: `dataset:${ns}:model` } }, headers: writer });
    expect(share.status(), await share.text()).toBe(201);
    const { token } = (await share.json()) as { token: string };

    const holder = await anonymous();
    const page = await holder.get(`/share/${token}`);
    expect(page.status()).toBe(200);
    const html = await page.text();
    expect(html).toContain(`${ns}`);
    // Every link on the page stays inside the share (or is a fragment or a static asset).
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
    const outside = hrefs.filter((href) => !href.startsWith(`/share/${token}`) && !href.startsWith("#") && !href.startsWith("/_next/") && !/^\/(favicon\.ico|icon\.svg|apple-touch-icon\.png|manifest\.webmanifest)$/.test(href));
    expect(outside).toEqual([]);
    expect(html).not.toContain("Search datasets");
    expect((await holder.get(`/api/v1/shares/${token}`)).status()).toBe(200);
    expect((await holder.get(`/api/v1/shares/${token}/nodes/${encodeURIComponent(`dataset:${ns}:model`)}`)).status()).toBe(200);
    // Holding a link reads that snapshot, never the live store.
    expect((await holder.get(`/api/v1/nodes/${encodeURIComponent(`dataset:${ns}:model`)}`)).status()).toBe(401);
    expect((await holder.get(`/api/v1/search?q=${ns}`)).status()).toBe(401);
    await machine.dispose();
    await holder.dispose();
  });

  test("an admin adds a viewer who reads pages but cannot write; promoted to editor, they write; the last admin stays admin", async () => {
    const admin = await signedIn(ADMIN.username, ADMIN.password);
    const name = `reader-${randomUUID().slice(0, 6)}`;
    const password = "a long enough password";
    const created = await admin.post("/api/v1/users", { data: { username: name, password, role: "viewer" }, headers: { origin: server.baseURL } });
    expect(created.status(), await created.text()).toBe(201);
    const user = (await created.json()).user as { id: number; role: string };
    expect(user.role).toBe("viewer");
    const taken = await admin.post("/api/v1/users", { data: { username: name, password: "another long password", role: "admin" }, headers: { origin: server.baseURL } });
    expect(taken.status()).toBe(409);

    const person = await signedIn(name, password);
    expect((await person.get("/")).status()).toBe(200);
    expect((await person.get("/api/v1/stats")).status()).toBe(200);
    const flag = { node: "datasetVersion:x:y:z", kind: "bias", reason: "looks skewed" };
    expect((await person.post("/api/v1/flags", { data: flag, headers: { origin: server.baseURL } })).status()).toBe(403);
    expect((await person.get("/api/v1/users")).status()).toBe(403);

    const promoted = await admin.patch(`/api/v1/users/${user.id}`, { data: { role: "editor" }, headers: { origin: server.baseURL } });
    expect((await promoted.json()).user.role).toBe("editor");
    // The same session writes from its next request on (the flag's node does not exist: 404, not 403).
    expect((await person.post("/api/v1/flags", { data: flag, headers: { origin: server.baseURL } })).status()).not.toBe(403);
    const listed = (await (await admin.get("/api/v1/users")).json()) as { users: { id: number; username: string; role: string }[] };
    expect(listed.users.find((u) => u.username === name)?.role).toBe("editor");

    const rootId = listed.users.find((u) => u.username === ADMIN.username)!.id;
    const lastAdmin = await admin.patch(`/api/v1/users/${rootId}`, { data: { role: "viewer" }, headers: { origin: server.baseURL } });
    expect(lastAdmin.status()).toBe(409);
    expect((await lastAdmin.json()).error.message).toMatch(/last admin/);
    await admin.dispose();
    await person.dispose();
  });
});
