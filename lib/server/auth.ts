import "server-only";
import type { Queryable } from "./store/types";
import { getConfig, type Config } from "@/lib/config";
import { AppError } from "./errors";
import { safeEqual } from "./auth-crypto";
import { findApiKey } from "./api-keys";
import { findSessionUser, readCookie, SESSION_COOKIE } from "./session";
import { hasRole, toRole, type Role } from "@/lib/schemas/auth";

/**
 * Who is asking, and may they write.
 *
 * Two modes:
 * - **local demo mode** (the default when nothing is configured): anyone may write, as before;
 * - **protected mode**: every write (ingest, flags, shares, revocations) needs credentials.
 *   On when THREADLINE_AUTH=on, when THREADLINE_API_KEY or THREADLINE_ADMIN_PASSWORD is set, or as
 *   soon as the database holds a user or an API key (revoked ones count: revoking the last key must
 *   not open the door). THREADLINE_AUTH=off forces demo mode and is refused with THREADLINE_API_KEY.
 *
 * Credentials: `Authorization: Bearer <key>` (an API key from the database, or THREADLINE_API_KEY)
 * for machines; the session cookie for people. A cookie is sent by the browser on its own, so a
 * state-changing request authenticated by it must come from our own origin (CSRF defence, on top
 * of SameSite=Lax); Bearer requests cannot be forged by another site and are exempt.
 *
 * Roles (lib/schemas/auth.ts ROLES), of people and of keys alike: a viewer reads, an editor also
 * writes, an admin also manages people, keys and everyone's shares and flags. A role is read from
 * the database on every request, so a change takes effect at once, on every server.
 *
 * Reads are open in both modes unless THREADLINE_READ_AUTH=on (private reads: every page and read
 * endpoint needs a session or a key). Share links are read-only, stay readable by whoever holds them
 * and grant nothing else.
 */

export type Principal =
  | { kind: "anonymous"; sender: "anonymous"; isAdmin: false }
  | { kind: "env-key"; sender: "api-key"; isAdmin: false }
  | { kind: "api-key"; sender: string; keyId: number; role: Role; isAdmin: boolean }
  | { kind: "user"; sender: string; userId: number; username: string; role: Role; isAdmin: boolean; sessionHash: string };

export const ANONYMOUS: Principal = { kind: "anonymous", sender: "anonymous", isAdmin: false };

/**
 * What a principal may do. THREADLINE_API_KEY writes (it predates roles, and an admin key in an
 * environment variable would be a password nobody can revoke); nobody anonymous is more than a
 * reader (in local demo mode requireWriter lets them write anyway).
 */
export function roleOf(principal: Principal): Role {
  if (principal.kind === "env-key") return "editor";
  if (principal.kind === "anonymous") return "viewer";
  return principal.role;
}

/** A signed-in person as a principal (from a session row). */
export function userPrincipal(user: { id: number; username: string; role: string; tokenHash: string }): Principal & { kind: "user" } {
  const role = toRole(user.role);
  return { kind: "user", sender: `user:${user.username}`, userId: user.id, username: user.username, role, isAdmin: role === "admin", sessionHash: user.tokenHash };
}

/**
 * Who sent an event (an API key's name, `user:<name>`) and raw payloads are for readers with
 * credentials in protected mode, unless THREADLINE_PUBLIC_PAYLOADS=on shows them to all. In local
 * demo mode, where everyone is anonymous, everyone sees them.
 */
export async function canSeeSenders(principal: Principal, store: Queryable, env: Config = getConfig()): Promise<boolean> {
  if (principal.kind !== "anonymous" || env.THREADLINE_PUBLIC_PAYLOADS === "on") return true;
  return !(await getAuthMode(store, env)).isProtected;
}

export interface AuthMode {
  isProtected: boolean;
  /** Why, in words, for the admin page and the logs. */
  reason: string;
}

export async function getAuthMode(store: Queryable, env: Config = getConfig()): Promise<AuthMode> {
  if (env.THREADLINE_AUTH === "off") {
    if (env.THREADLINE_API_KEY) {
      throw new AppError("internal", "THREADLINE_AUTH=off contradicts THREADLINE_API_KEY: unset one of them.");
    }
    if (env.THREADLINE_READ_AUTH === "on") {
      throw new AppError("internal", "THREADLINE_AUTH=off (anyone writes) contradicts THREADLINE_READ_AUTH=on (private reads): unset one of them.");
    }
    return { isProtected: false, reason: "THREADLINE_AUTH=off" };
  }
  if (env.THREADLINE_AUTH === "on") return { isProtected: true, reason: "THREADLINE_AUTH=on" };
  // A store private to read is private to write.
  if (env.THREADLINE_READ_AUTH === "on") return { isProtected: true, reason: "THREADLINE_READ_AUTH=on" };
  if (env.THREADLINE_API_KEY) return { isProtected: true, reason: "THREADLINE_API_KEY is set" };
  if (env.THREADLINE_ADMIN_PASSWORD) return { isProtected: true, reason: "THREADLINE_ADMIN_PASSWORD is set" };
  // EXISTS is 0/1 on SQLite and a boolean on PostgreSQL: both read as truth values.
  const row = await store.get<{ users: number | boolean; keys: number | boolean }>(
    `SELECT EXISTS(SELECT 1 FROM "User") AS "users", EXISTS(SELECT 1 FROM "ApiKey") AS "keys"`,
  );
  if (row?.users) return { isProtected: true, reason: "an admin account exists" };
  if (row?.keys) return { isProtected: true, reason: "API keys exist" };
  return { isProtected: false, reason: "nothing is configured (local demo mode)" };
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * True when a browser request comes from a page of this site. With THREADLINE_PUBLIC_URL set, the
 * Origin must equal it (scheme, host and port); without, its host must equal the Host header (never
 * X-Forwarded-Host, which any client can send). When a browser sends no Origin, Fetch Metadata must
 * say same-origin. Another site can forge none of these.
 */
export function isSameOrigin(request: Request, config: Config = getConfig()): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (origin === "null") return false;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (config.THREADLINE_PUBLIC_URL) return parsed.origin === config.THREADLINE_PUBLIC_URL;
    const host = request.headers.get("host");
    return host !== null && parsed.host === host && (parsed.protocol === "http:" || parsed.protocol === "https:");
  }
  return request.headers.get("sec-fetch-site") === "same-origin";
}

function bearerOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1] : "";
}

type Resolved =
  | { principal: Principal; via: "bearer" | "cookie" }
  | { principal: null; via: "bearer"; problem: "invalid" | "revoked" }
  | { principal: null; via: null };

/** The credentials a request carries, checked; Bearer wins over the cookie when both are sent. */
export async function resolveCredentials(request: Request, store: Queryable, env: Config = getConfig()): Promise<Resolved> {
  const bearer = bearerOf(request);
  if (bearer !== null) {
    if (env.THREADLINE_API_KEY && safeEqual(bearer, env.THREADLINE_API_KEY)) {
      return { principal: { kind: "env-key", sender: "api-key", isAdmin: false }, via: "bearer" };
    }
    const found = await findApiKey(store, bearer);
    if (found.status === "valid") {
      const role = toRole(found.key.role);
      return { principal: { kind: "api-key", sender: found.key.name, keyId: found.key.id, role, isAdmin: role === "admin" }, via: "bearer" };
    }
    return { principal: null, via: "bearer", problem: found.status === "revoked" ? "revoked" : "invalid" };
  }
  const user = await findSessionUser(store, readCookie(request.headers.get("cookie"), SESSION_COOKIE));
  if (user) return { principal: userPrincipal(user), via: "cookie" };
  return { principal: null, via: null };
}

function unauthorized(message: string): AppError {
  return new AppError("unauthorized", message, [], { "WWW-Authenticate": 'Bearer realm="threadline"' });
}

function tooLow(principal: Principal, needed: Role, action: string): AppError {
  return new AppError("forbidden", `${principal.sender} has the role ${roleOf(principal)}; ${action} needs ${needed} or above (an admin sets roles on /admin).`);
}

function crossSite(): AppError {
  return new AppError("forbidden", "Cross-site request refused: a signed-in browser may only write from Threadline's own pages.");
}

/**
 * Who may write. Demo mode: anyone (a known key or session still names the sender). Protected mode:
 * a valid API key or a session of an editor or admin (403 for a viewer); a cookie-authenticated
 * write from another origin is refused.
 */
export async function requireWriter(request: Request, store: Queryable, env: Config = getConfig()): Promise<Principal> {
  const mode = await getAuthMode(store, env);
  const resolved = await resolveCredentials(request, store, env);
  const isForged = resolved.via === "cookie" && UNSAFE_METHODS.has(request.method) && !isSameOrigin(request, env);
  if (!mode.isProtected) {
    // Open anyway; only never attribute a write another site made the browser send.
    return resolved.principal && !isForged ? resolved.principal : ANONYMOUS;
  }
  if (resolved.principal === null) {
    if (resolved.via === "bearer") {
      throw unauthorized(resolved.problem === "revoked" ? "This API key was revoked." : "The API key is not valid.");
    }
    throw unauthorized("Credentials are required: send Authorization: Bearer <key>, or sign in.");
  }
  if (isForged) throw crossSite();
  if (!hasRole(roleOf(resolved.principal), "editor")) throw tooLow(resolved.principal, "editor", "writing");
  return resolved.principal;
}

/**
 * Who may read. With THREADLINE_READ_AUTH=on every read (pages and API) needs a valid session or
 * API key, of any role; share links are the exception and never call this. Otherwise anyone reads,
 * and a request carrying credentials is still known by them (to show senders).
 */
export async function requireReader(request: Request, store: Queryable, env: Config = getConfig()): Promise<Principal> {
  const resolved = await resolveCredentials(request, store, env);
  if (resolved.principal) return resolved.principal;
  if (env.THREADLINE_READ_AUTH !== "on") return ANONYMOUS;
  if (resolved.via === "bearer") throw unauthorized(resolved.problem === "revoked" ? "This API key was revoked." : "The API key is not valid.");
  throw unauthorized("This Threadline is private: sign in, or send Authorization: Bearer <key>, to read it.");
}

/**
 * An admin: a signed-in person or an API key with the admin role (managing people and keys). Needed
 * in both modes: demo mode has no admin to stand in.
 */
export async function requireAdmin(
  request: Request,
  store: Queryable,
  env: Config = getConfig(),
): Promise<Principal & { kind: "user" | "api-key" }> {
  const resolved = await resolveCredentials(request, store, env);
  if (resolved.principal === null) throw unauthorized("Sign in as an admin (or send an admin's API key) to manage people and keys.");
  const principal = resolved.principal;
  if ((principal.kind !== "user" && principal.kind !== "api-key") || !principal.isAdmin) {
    throw tooLow(principal, "admin", "managing people and keys");
  }
  if (resolved.via === "cookie" && UNSAFE_METHODS.has(request.method) && !isSameOrigin(request, env)) throw crossSite();
  return principal;
}
