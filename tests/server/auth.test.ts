import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sqlite } from "@/lib/server/db";
import { parseConfig } from "@/lib/config";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { hashPassword, hashToken, newToken, verifyPassword } from "@/lib/server/auth-crypto";
import { checkCredentials, ensureBootstrapAdmin, upsertUser } from "@/lib/server/auth-users";
import { createApiKey, findApiKey, listApiKeys, revokeApiKey } from "@/lib/server/api-keys";
import { createSession, findSessionUser, sessionCookie, SESSION_COOKIE } from "@/lib/server/session";
import { getAuthMode, isSameOrigin, requireAdmin, requireWriter } from "@/lib/server/auth";
import { createTestDatabase } from "../support/db";

let db: Sqlite;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = createTestDatabase()));
afterEach(() => cleanup());

const baseEnv = parseConfig({ DATABASE_URL: "file:unused.db", THREADLINE_SESSION_HOURS: "1" });

function request(method: string, headers: Record<string, string> = {}): Request {
  return new Request("http://threadline.test/api/v1/lineage", { method, headers: { host: "threadline.test", ...headers } });
}

function statusOf(fn: () => unknown): number | "ok" {
  try {
    fn();
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

describe("getAuthMode", () => {
  it("is open (local demo mode) when nothing is configured", () => {
    expect(getAuthMode(db, baseEnv).isProtected).toBe(false);
  });

  it("is protected by THREADLINE_AUTH=on, THREADLINE_API_KEY or THREADLINE_ADMIN_PASSWORD", () => {
    expect(getAuthMode(db, { ...baseEnv, THREADLINE_AUTH: "on" }).isProtected).toBe(true);
    expect(getAuthMode(db, { ...baseEnv, THREADLINE_API_KEY: "k" }).isProtected).toBe(true);
    expect(getAuthMode(db, { ...baseEnv, THREADLINE_ADMIN_PASSWORD: "0123456789" }).isProtected).toBe(true);
  });

  it("becomes protected once an admin or a key exists, and stays so after the last key is revoked", async () => {
    const { key } = createApiKey(db, "airflow", "user:root");
    expect(getAuthMode(db, baseEnv).isProtected).toBe(true);
    revokeApiKey(db, key.id, "user:root");
    expect(getAuthMode(db, baseEnv).isProtected).toBe(true);
  });

  it("is forced open by THREADLINE_AUTH=off, which contradicts THREADLINE_API_KEY", () => {
    createApiKey(db, "airflow", "user:root");
    expect(getAuthMode(db, { ...baseEnv, THREADLINE_AUTH: "off" }).isProtected).toBe(false);
    expect(() => getAuthMode(db, { ...baseEnv, THREADLINE_AUTH: "off", THREADLINE_API_KEY: "k" })).toThrow(/contradicts/);
  });
});

describe("requireWriter", () => {
  it("lets anyone write in demo mode, as anonymous", () => {
    expect(requireWriter(request("POST"), db, baseEnv).sender).toBe("anonymous");
  });

  it("refuses a write without credentials in protected mode (401)", () => {
    expect(statusOf(() => requireWriter(request("POST"), db, { ...baseEnv, THREADLINE_AUTH: "on" }))).toBe(401);
  });

  it("keeps THREADLINE_API_KEY working, with sender api-key", () => {
    const env = { ...baseEnv, THREADLINE_API_KEY: "s3cret-key" };
    expect(requireWriter(request("POST", { authorization: "Bearer s3cret-key" }), db, env).sender).toBe("api-key");
    expect(statusOf(() => requireWriter(request("POST", { authorization: "Bearer s3cret-kez" }), db, env))).toBe(401);
  });

  it("names the sender after a database key, and refuses it once revoked", () => {
    const { key, secret } = createApiKey(db, "airflow-prod", "user:root");
    const auth = { authorization: `Bearer ${secret}` };
    expect(requireWriter(request("POST", auth), db, baseEnv).sender).toBe("airflow-prod");
    expect(findApiKey(db, secret).status).toBe("valid");
    revokeApiKey(db, key.id, "user:root");
    expect(statusOf(() => requireWriter(request("POST", auth), db, baseEnv))).toBe(401);
    expect(listApiKeys(db)[0]).toMatchObject({ name: "airflow-prod", revokedBy: "user:root" });
  });

  it("stores only the key's hash and a short prefix", () => {
    const { secret } = createApiKey(db, "ci", "user:root");
    const row = db.prepare("SELECT keyHash, prefix FROM ApiKey").get() as { keyHash: string; prefix: string };
    expect(row.keyHash).toBe(hashToken(secret));
    expect(secret.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThan(12);
  });

  it("accepts a cookie-authenticated write from our own origin and refuses one from another (CSRF)", async () => {
    const { user } = await upsertUser(db, "ada", "a long enough password");
    const { token } = createSession(db, user.id, 1);
    const cookie = { cookie: `${SESSION_COOKIE}=${token}` };
    expect(requireWriter(request("POST", { ...cookie, origin: "http://threadline.test" }), db, baseEnv).sender).toBe("user:ada");
    expect(statusOf(() => requireWriter(request("POST", { ...cookie, origin: "https://evil.example" }), db, baseEnv))).toBe(403);
    expect(statusOf(() => requireWriter(request("POST", cookie), db, baseEnv))).toBe(403);
    expect(requireWriter(request("POST", { ...cookie, "sec-fetch-site": "same-origin" }), db, baseEnv).sender).toBe("user:ada");
  });

  it("never attributes a forged cross-site write to the user in demo mode", async () => {
    const { user } = await upsertUser(db, "ada", "a long enough password");
    const { token } = createSession(db, user.id, 1);
    const forged = request("POST", { cookie: `${SESSION_COOKIE}=${token}`, origin: "https://evil.example" });
    expect(requireWriter(forged, db, { ...baseEnv, THREADLINE_AUTH: "off" }).sender).toBe("anonymous");
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

describe("sessions and sign-in", () => {
  it("signs in with the right password only, and a session ends at its expiry", async () => {
    await upsertUser(db, "ada", "a long enough password");
    expect(await checkCredentials(db, "ada", "a long enough password")).toMatchObject({ username: "ada", role: "admin" });
    expect(await checkCredentials(db, "ada", "wrong password!!")).toBeNull();
    expect(await checkCredentials(db, "bob", "a long enough password")).toBeNull();
    const user = (await checkCredentials(db, "ada", "a long enough password"))!;
    const now = new Date("2026-11-24T10:00:00Z");
    const { token } = createSession(db, user.id, 1, now);
    expect(findSessionUser(db, token, new Date("2026-11-24T10:59:00Z"))?.username).toBe("ada");
    expect(findSessionUser(db, token, new Date("2026-11-24T11:00:01Z"))).toBeNull();
  });

  it("ends every session when the password changes", async () => {
    const { user } = await upsertUser(db, "ada", "a long enough password");
    const { token } = createSession(db, user.id, 1);
    await upsertUser(db, "ada", "another long password");
    expect(findSessionUser(db, token)).toBeNull();
  });

  it("refuses passwords shorter than 10 characters", async () => {
    await expect(upsertUser(db, "ada", "short")).rejects.toThrow(/at least 10/);
  });

  it("sets an HttpOnly, SameSite=Lax cookie that is Secure over https only", () => {
    const expires = new Date(Date.now() + 3_600_000);
    expect(sessionCookie("t", expires, false)).toMatch(/HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(sessionCookie("t", expires, true)).toMatch(/; Secure$/);
  });

  it("creates the THREADLINE_ADMIN_PASSWORD admin once, only when no user exists", async () => {
    await ensureBootstrapAdmin(db, "root", "bootstrap password");
    expect(await checkCredentials(db, "root", "bootstrap password")).not.toBeNull();
  });
});

describe("requireAdmin", () => {
  it("needs a signed-in admin, even in demo mode, and refuses API keys", async () => {
    expect(statusOf(() => requireAdmin(request("GET"), db, baseEnv))).toBe(401);
    const { secret } = createApiKey(db, "ci", "user:root");
    expect(statusOf(() => requireAdmin(request("GET", { authorization: `Bearer ${secret}` }), db, baseEnv))).toBe(403);
    const { user } = await upsertUser(db, "ada", "a long enough password");
    const { token } = createSession(db, user.id, 1);
    expect(requireAdmin(request("GET", { cookie: `${SESSION_COOKIE}=${token}` }), db, baseEnv).username).toBe("ada");
  });
});

describe("API key names", () => {
  it("a name already taken is a 409 conflict naming the field", async () => {
    createApiKey(db, "airflow", "user:root");
    const error = (() => {
      try {
        createApiKey(db, "airflow", "user:ada");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    const response = toErrorResponse(error);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "conflict", details: [{ path: "name", message: "already used" }] } });
  });

  it("a name another writer created between the check and the insert is a 409, not a 500", async () => {
    // The other writer's insert lands just before ours, as a second server's would (here a trigger
    // on the same statement, so SQLite rolls it back with ours; another connection's would stay).
    db.exec(`CREATE TEMP TRIGGER other_writer BEFORE INSERT ON ApiKey WHEN NEW.name = 'racer'
      BEGIN INSERT INTO ApiKey (name, keyHash, prefix, createdAt, createdBy) VALUES ('racer', 'other', 'tlk_x', '2026-01-01', 'user:other'); END`);
    const response = toErrorResponse((() => {
      try {
        createApiKey(db, "racer", "user:root");
      } catch (e) {
        return e;
      }
    })());
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "conflict", details: [{ path: "name" }] } });
  });

  it("the mapper answers any lost unique race with 409 and leaks nothing", async () => {
    db.prepare("INSERT INTO ApiKey (name, keyHash, prefix, createdAt, createdBy) VALUES ('a', 'h', 'p', 't', 'u')").run();
    const duplicate = (() => {
      try {
        db.prepare("INSERT INTO ApiKey (name, keyHash, prefix, createdAt, createdBy) VALUES ('a', 'h2', 'p', 't', 'u')").run();
      } catch (e) {
        return e;
      }
    })();
    const response = toErrorResponse(duplicate);
    expect(response.status).toBe(409);
    expect(JSON.stringify(await response.json())).not.toMatch(/ApiKey|UNIQUE|constraint/i);
  });
});
