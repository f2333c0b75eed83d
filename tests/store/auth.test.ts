// Access control's store half (users, sessions, API keys, the mode), run on every backend.
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { hashPassword, hashToken, newToken, verifyPassword } from "@/lib/server/auth-crypto";
import { checkCredentials, createUser, ensureBootstrapAdmin, listUsers, setUserRole, upsertUser } from "@/lib/server/auth-users";
import { createApiKey, findApiKey, listApiKeys, revokeApiKey, setApiKeyRole } from "@/lib/server/api-keys";
import { createSession, findSessionUser, sessionCookie, SESSION_COOKIE } from "@/lib/server/session";
import { ANONYMOUS, canSeeSenders, getAuthMode, isSameOrigin, requireAdmin, requireReader, requireWriter } from "@/lib/server/auth";
import type { Store } from "@/lib/server/store/types";
import { BACKENDS, testStoreFor } from "../support/stores";

const baseEnv = parseConfig({ DATABASE_URL: "file:unused.db", THREADLINE_SESSION_HOURS: "1" });

function request(method: string, headers: Record<string, string> = {}): Request {
  return new Request("http://threadline.test/api/v1/lineage", { method, headers: { host: "threadline.test", ...headers } });
}

async function statusOf(fn: () => Promise<unknown>): Promise<number | "ok"> {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

describe("passwords (scrypt)", () => {
  it("accepts the password it hashed and refuses another, with a fresh salt each time", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterz", a)).toBe(false);
  });

  it("refuses any password for an unknown user (null hash) and a malformed hash", async () => {
    expect(await verifyPassword("anything at all", null)).toBe(false);
    expect(await verifyPassword("anything at all", "md5$abc")).toBe(false);
  });
});

describe("tokens", () => {
  it("are 256 random bits in base64url and are stored only as sha256", () => {
    const token = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("isSameOrigin", () => {
  it("compares Origin with Host and refuses the opaque origin null", () => {
    expect(isSameOrigin(request("POST", { origin: "http://threadline.test" }))).toBe(true);
    expect(isSameOrigin(request("POST", { origin: "http://threadline.test.evil.example" }))).toBe(false);
    expect(isSameOrigin(request("POST", { origin: "null" }))).toBe(false);
  });

  it("never trusts X-Forwarded-Host, which any client can send", () => {
    const forged = request("POST", { origin: "https://evil.example", "x-forwarded-host": "evil.example" });
    expect(isSameOrigin(forged, baseEnv)).toBe(false);
  });

  it("with THREADLINE_PUBLIC_URL compares scheme, host and port with it", () => {
    const config = parseConfig({ DATABASE_URL: "file:unused.db", THREADLINE_PUBLIC_URL: "https://lineage.example.com/" });
    const at = (origin: string) => isSameOrigin(request("POST", { origin, host: "lineage.example.com" }), config);
    expect(at("https://lineage.example.com")).toBe(true);
    expect(at("http://lineage.example.com")).toBe(false);
    expect(at("https://lineage.example.com:8443")).toBe(false);
    expect(at("https://threadline.test")).toBe(false);
  });
});

describe("session cookie", () => {
  it("sets an HttpOnly, SameSite=Lax cookie that is Secure over https only", () => {
    const expires = new Date(Date.now() + 3_600_000);
    expect(sessionCookie("t", expires, false)).toMatch(/HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(sessionCookie("t", expires, true)).toMatch(/; Secure$/);
  });
});

describe.each(BACKENDS)("on %s", (backend) => {
  let store: Store;
  const t = testStoreFor(backend, async () => {
    store = t.store;
  });
  beforeEach(async () => {
    for (const table of ["Session", "User", "ApiKey"]) await store.run(`DELETE FROM "${table}"`);
  });

  describe("getAuthMode", () => {
    it("is open (local demo mode) when nothing is configured", async () => {
      expect((await getAuthMode(store, baseEnv)).isProtected).toBe(false);
    });

    it("is protected by THREADLINE_AUTH=on, THREADLINE_API_KEY or THREADLINE_ADMIN_PASSWORD", async () => {
      expect((await getAuthMode(store, { ...baseEnv, THREADLINE_AUTH: "on" })).isProtected).toBe(true);
      expect((await getAuthMode(store, { ...baseEnv, THREADLINE_API_KEY: "k" })).isProtected).toBe(true);
      expect((await getAuthMode(store, { ...baseEnv, THREADLINE_ADMIN_PASSWORD: "0123456789" })).isProtected).toBe(true);
    });

    it("becomes protected once an admin or a key exists, and stays so after the last key is revoked", async () => {
      const { key } = await createApiKey(store, "airflow", "user:root");
      expect((await getAuthMode(store, baseEnv)).isProtected).toBe(true);
      await revokeApiKey(store, key.id, "user:root");
      expect((await getAuthMode(store, baseEnv)).isProtected).toBe(true);
    });

    it("is forced open by THREADLINE_AUTH=off, which contradicts THREADLINE_API_KEY", async () => {
      await createApiKey(store, "airflow", "user:root");
      expect((await getAuthMode(store, { ...baseEnv, THREADLINE_AUTH: "off" })).isProtected).toBe(false);
      await expect(getAuthMode(store, { ...baseEnv, THREADLINE_AUTH: "off", THREADLINE_API_KEY: "k" })).rejects.toThrow(/contradicts/);
    });
  });

  describe("requireWriter", () => {
    it("lets anyone write in demo mode, as anonymous", async () => {
      expect((await requireWriter(request("POST"), store, baseEnv)).sender).toBe("anonymous");
    });

    it("refuses a write without credentials in protected mode (401)", async () => {
      expect(await statusOf(() => requireWriter(request("POST"), store, { ...baseEnv, THREADLINE_AUTH: "on" }))).toBe(401);
    });

    it("keeps THREADLINE_API_KEY working, with sender api-key", async () => {
      const env = { ...baseEnv, THREADLINE_API_KEY: "s3cret-key" };
      expect((await requireWriter(request("POST", { authorization: "Bearer s3cret-key" }), store, env)).sender).toBe("api-key");
      expect(await statusOf(() => requireWriter(request("POST", { authorization: "Bearer s3cret-kez" }), store, env))).toBe(401);
    });

    it("names the sender after a database key, and refuses it once revoked", async () => {
      const { key, secret } = await createApiKey(store, "airflow-prod", "user:root");
      const auth = { authorization: `Bearer ${secret}` };
      expect((await requireWriter(request("POST", auth), store, baseEnv)).sender).toBe("airflow-prod");
      expect((await findApiKey(store, secret)).status).toBe("valid");
      await revokeApiKey(store, key.id, "user:root");
      expect(await statusOf(() => requireWriter(request("POST", auth), store, baseEnv))).toBe(401);
      expect((await listApiKeys(store))[0]).toMatchObject({ name: "airflow-prod", revokedBy: "user:root" });
    });

    it("stores only the key's hash and a short prefix", async () => {
      const { secret } = await createApiKey(store, "ci", "user:root");
      const row = (await store.get<{ keyHash: string; prefix: string }>(`SELECT "keyHash", "prefix" FROM "ApiKey"`))!;
      expect(row.keyHash).toBe(hashToken(secret));
      expect(secret.startsWith(row.prefix)).toBe(true);
      expect(row.prefix.length).toBeLessThan(12);
    });

    it("accepts a cookie-authenticated write from our own origin and refuses one from another (CSRF)", async () => {
      const { user } = await upsertUser(store, "ada", "a long enough password");
      const { token } = await createSession(store, user.id, 1);
      const cookie = { cookie: `${SESSION_COOKIE}=${token}` };
      expect((await requireWriter(request("POST", { ...cookie, origin: "http://threadline.test" }), store, baseEnv)).sender).toBe("user:ada");
      expect(await statusOf(() => requireWriter(request("POST", { ...cookie, origin: "https://evil.example" }), store, baseEnv))).toBe(403);
      expect(await statusOf(() => requireWriter(request("POST", cookie), store, baseEnv))).toBe(403);
      expect((await requireWriter(request("POST", { ...cookie, "sec-fetch-site": "same-origin" }), store, baseEnv)).sender).toBe("user:ada");
    });

    it("never attributes a forged cross-site write to the user in demo mode", async () => {
      const { user } = await upsertUser(store, "ada", "a long enough password");
      const { token } = await createSession(store, user.id, 1);
      const forged = request("POST", { cookie: `${SESSION_COOKIE}=${token}`, origin: "https://evil.example" });
      expect((await requireWriter(forged, store, { ...baseEnv, THREADLINE_AUTH: "off" })).sender).toBe("anonymous");
    });
  });

  describe("sessions and sign-in", () => {
    it("signs in with the right password only, and a session ends at its expiry", async () => {
      await upsertUser(store, "ada", "a long enough password");
      expect(await checkCredentials(store, "ada", "a long enough password")).toMatchObject({ username: "ada", role: "admin" });
      expect(await checkCredentials(store, "ada", "wrong password!!")).toBeNull();
      expect(await checkCredentials(store, "bob", "a long enough password")).toBeNull();
      const user = (await checkCredentials(store, "ada", "a long enough password"))!;
      const now = new Date("2026-11-24T10:00:00Z");
      const { token } = await createSession(store, user.id, 1, now);
      expect((await findSessionUser(store, token, new Date("2026-11-24T10:59:00Z")))?.username).toBe("ada");
      expect(await findSessionUser(store, token, new Date("2026-11-24T11:00:01Z"))).toBeNull();
    });

    it("ends every session when the password changes", async () => {
      const { user } = await upsertUser(store, "ada", "a long enough password");
      const { token } = await createSession(store, user.id, 1);
      await upsertUser(store, "ada", "another long password");
      expect(await findSessionUser(store, token)).toBeNull();
    });

    it("refuses passwords shorter than 10 characters", async () => {
      await expect(upsertUser(store, "ada", "short")).rejects.toThrow(/at least 10/);
    });

    it("creates the THREADLINE_ADMIN_PASSWORD admin once, only when no user exists", async () => {
      await ensureBootstrapAdmin(store, "root", "bootstrap password");
      expect(await checkCredentials(store, "root", "bootstrap password")).not.toBeNull();
    });
  });

  describe("several servers on one database", () => {
    it("see one another's keys, revocations and sessions at once", async () => {
      const other = t.openAnother();
      const { key, secret } = await createApiKey(store, "airflow", "user:root");
      expect((await findApiKey(other, secret)).status).toBe("valid");
      await revokeApiKey(other, key.id, "user:root");
      expect((await findApiKey(store, secret)).status).toBe("revoked");

      const { user } = await upsertUser(store, "ada", "a long enough password");
      const { token } = await createSession(other, user.id, 1);
      expect((await findSessionUser(store, token))?.username).toBe("ada");
    });

    it("give a key name to one of two servers creating it at once; the other is told it is taken", async () => {
      const other = t.openAnother();
      const results = await Promise.allSettled([createApiKey(store, "twin", "user:a"), createApiKey(other, "twin", "user:b")]);

      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected");
      expect(refused?.reason).toBeInstanceOf(AppError);
      expect(toErrorResponse(refused?.reason).status).toBe(409);
      expect((refused?.reason as AppError).message).toMatch(/already a key named twin/);
      expect(await listApiKeys(store)).toHaveLength(1);
    });
  });

  describe("API key names", () => {
    it("a name already taken is a 409 conflict naming the field", async () => {
      await createApiKey(store, "airflow", "user:root");
      const error = await createApiKey(store, "airflow", "user:ada").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      const response = toErrorResponse(error);
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: { code: "conflict", details: [{ path: "name", message: "already used" }] } });
    });

    it("the mapper answers any lost unique race with 409 and leaks nothing", async () => {
      const insert = (hash: string) =>
        store.run(`INSERT INTO "ApiKey" ("name", "keyHash", "prefix", "createdAt", "createdBy") VALUES ('a', ?, 'p', 't', 'u')`, [hash]);
      await insert("h");
      const duplicate = await insert("h2").catch((e: unknown) => e);
      const response = toErrorResponse(duplicate);
      expect(response.status).toBe(409);
      expect(JSON.stringify(await response.json())).not.toMatch(/ApiKey|UNIQUE|constraint|duplicate key/i);
    });
  });

  describe("requireAdmin", () => {
    it("needs a signed-in admin, even in demo mode, and refuses API keys", async () => {
      expect(await statusOf(() => requireAdmin(request("GET"), store, baseEnv))).toBe(401);
      const { secret } = await createApiKey(store, "ci", "user:root");
      expect(await statusOf(() => requireAdmin(request("GET", { authorization: `Bearer ${secret}` }), store, baseEnv))).toBe(403);
      const { user } = await upsertUser(store, "ada", "a long enough password");
      const { token } = await createSession(store, user.id, 1);
      expect((await requireAdmin(request("GET", { cookie: `${SESSION_COOKIE}=${token}` }), store, baseEnv)).sender).toBe("user:ada");
    });
  });

  describe("roles", () => {
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const protectedEnv = { ...baseEnv, THREADLINE_AUTH: "on" as const };

    it("a key is an editor unless made otherwise, as every key was before roles; a row written without a role is one too", async () => {
      const { key } = await createApiKey(store, "airflow", "user:root");
      expect(key.role).toBe("editor");
      await store.run(`INSERT INTO "ApiKey" ("name", "keyHash", "prefix", "createdAt", "createdBy") VALUES ('old', 'h', 'p', 't', 'u')`);
      expect((await listApiKeys(store)).find((k) => k.name === "old")?.role).toBe("editor");
    });

    it("a viewer key reads but gets 403 for a write; an editor and an admin key write", async () => {
      const viewer = await createApiKey(store, "dashboard", "user:root", "viewer");
      const editor = await createApiKey(store, "airflow", "user:root", "editor");
      const admin = await createApiKey(store, "ops", "user:root", "admin");
      const refused = await requireWriter(request("POST", bearer(viewer.secret)), store, protectedEnv).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).status).toBe(403);
      expect((refused as AppError).message).toMatch(/dashboard has the role viewer; writing needs editor/);
      expect((await requireReader(request("GET", bearer(viewer.secret)), store, { ...protectedEnv, THREADLINE_READ_AUTH: "on" })).sender).toBe("dashboard");
      expect((await requireWriter(request("POST", bearer(editor.secret)), store, protectedEnv)).sender).toBe("airflow");
      expect((await requireWriter(request("POST", bearer(admin.secret)), store, protectedEnv)).isAdmin).toBe(true);
    });

    it("a viewer signed in gets 403 for a write from our own pages", async () => {
      const user = await createUser(store, "vera", "a long enough password", "viewer");
      const { token } = await createSession(store, user.id, 1);
      const write = request("POST", { cookie: `${SESSION_COOKIE}=${token}`, origin: "http://threadline.test" });
      expect(await statusOf(() => requireWriter(write, store, protectedEnv))).toBe(403);
    });

    it("managing people and keys needs an admin: a signed-in admin or an admin key, never an editor", async () => {
      const editor = await createApiKey(store, "airflow", "user:root");
      const admin = await createApiKey(store, "ops", "user:root", "admin");
      expect(await statusOf(() => requireAdmin(request("GET", bearer(editor.secret)), store, baseEnv))).toBe(403);
      expect((await requireAdmin(request("POST", bearer(admin.secret)), store, baseEnv)).sender).toBe("ops");
      const user = await createUser(store, "eddie", "a long enough password", "editor");
      const { token } = await createSession(store, user.id, 1);
      expect(await statusOf(() => requireAdmin(request("GET", { cookie: `${SESSION_COOKIE}=${token}` }), store, baseEnv))).toBe(403);
    });

    it("a new role holds from the next request, on every server", async () => {
      const { key, secret } = await createApiKey(store, "airflow", "user:root");
      await setApiKeyRole(t.openAnother(), key.id, "viewer");
      expect(await statusOf(() => requireWriter(request("POST", bearer(secret)), store, protectedEnv))).toBe(403);
      const user = await createUser(store, "vera", "a long enough password", "viewer");
      const { token } = await createSession(store, user.id, 1);
      await setUserRole(store, user.id, "editor");
      const write = request("POST", { cookie: `${SESSION_COOKIE}=${token}`, origin: "http://threadline.test" });
      expect((await requireWriter(write, store, protectedEnv)).sender).toBe("user:vera");
    });

    it("a revoked key's role cannot change (410)", async () => {
      const { key } = await createApiKey(store, "airflow", "user:root");
      await revokeApiKey(store, key.id, "user:root");
      expect(await statusOf(() => setApiKeyRole(store, key.id, "admin"))).toBe(410);
    });

    it("adding a person whose name is taken is a 409 that leaves their password alone", async () => {
      await createUser(store, "ada", "a long enough password", "viewer");
      const error = await createUser(store, "ada", "another long password", "admin").catch((e: unknown) => e);
      expect(toErrorResponse(error).status).toBe(409);
      expect(await checkCredentials(store, "ada", "a long enough password")).toMatchObject({ role: "viewer" });
      expect(await listUsers(store)).toEqual([expect.objectContaining({ username: "ada", role: "viewer" })]);
    });

    it("never demotes the last admin (409); with a second admin it does", async () => {
      const { user: root } = await upsertUser(store, "root", "a long enough password", "admin");
      expect(await statusOf(() => setUserRole(store, root.id, "editor"))).toBe(409);
      await createUser(store, "second", "a long enough password", "admin");
      expect((await setUserRole(store, root.id, "editor")).role).toBe("editor");
    });
  });

  describe("private reads (THREADLINE_READ_AUTH=on)", () => {
    const privateEnv = { ...baseEnv, THREADLINE_AUTH: "on" as const, THREADLINE_READ_AUTH: "on" as const };

    it("refuses an anonymous reader and a wrong or revoked key (401); off, anyone reads as anonymous", async () => {
      expect(await statusOf(() => requireReader(request("GET"), store, privateEnv))).toBe(401);
      expect(await statusOf(() => requireReader(request("GET", { authorization: "Bearer tlk_nope" }), store, privateEnv))).toBe(401);
      const { key, secret } = await createApiKey(store, "dashboard", "user:root", "viewer");
      await revokeApiKey(store, key.id, "user:root");
      expect(await statusOf(() => requireReader(request("GET", { authorization: `Bearer ${secret}` }), store, privateEnv))).toBe(401);
      expect(await requireReader(request("GET"), store, { ...privateEnv, THREADLINE_READ_AUTH: "off" })).toBe(ANONYMOUS);
    });

    it("senders are for readers with credentials on a protected server, unless THREADLINE_PUBLIC_PAYLOADS=on", async () => {
      const { secret } = await createApiKey(store, "dashboard", "user:root", "viewer");
      const principal = await requireReader(request("GET", { authorization: `Bearer ${secret}` }), store, baseEnv);
      expect(await canSeeSenders(principal, store, baseEnv)).toBe(true);
      expect(await canSeeSenders(ANONYMOUS, store, baseEnv)).toBe(false);
      expect(await canSeeSenders(ANONYMOUS, store, { ...baseEnv, THREADLINE_PUBLIC_PAYLOADS: "on" })).toBe(true);
      await store.run(`DELETE FROM "ApiKey"`);
      expect(await canSeeSenders(ANONYMOUS, store, baseEnv)).toBe(true); // local demo mode: everyone is anonymous
    });
  });
});
