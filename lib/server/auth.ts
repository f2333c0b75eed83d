import "server-only";
import type { Queryable } from "./store/types";
import { getConfig, type Config } from "@/lib/config";
import { AppError } from "./errors";
import { safeEqual } from "./auth-crypto";
import { findApiKey } from "./api-keys";
import { findSessionUser, readCookie, SESSION_COOKIE } from "./session";

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
 * of SameSite=Lax); Bearer requests cannot be forged by another site and are exempt. Reads stay
 * open in both modes; share links are read-only and grant nothing else.
 */

export type Principal =
  | { kind: "anonymous"; sender: "anonymous"; isAdmin: false }
  | { kind: "env-key"; sender: "api-key"; isAdmin: false }
  | { kind: "api-key"; sender: string; keyId: number; isAdmin: false }
  | { kind: "user"; sender: string; userId: number; username: string; role: string; isAdmin: boolean; sessionHash: string };

export const ANONYMOUS: Principal = { kind: "anonymous", sender: "anonymous", isAdmin: false };

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
    return { isProtected: false, reason: "THREADLINE_AUTH=off" };
  }
  if (env.THREADLINE_AUTH === "on") return { isProtected: true, reason: "THREADLINE_AUTH=on" };
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
      return { principal: { kind: "api-key", sender: found.key.name, keyId: found.key.id, isAdmin: false }, via: "bearer" };
    }
    return { principal: null, via: "bearer", problem: found.status === "revoked" ? "revoked" : "invalid" };
  }
  const user = await findSessionUser(store, readCookie(request.headers.get("cookie"), SESSION_COOKIE));
  if (user) {
    return {
      principal: {
        kind: "user",
        sender: `user:${user.username}`,
        userId: user.id,
        username: user.username,
        role: user.role,
        isAdmin: user.role === "admin",
        sessionHash: user.tokenHash,
      },
      via: "cookie",
    };
  }
  return { principal: null, via: null };
}

function unauthorized(message: string): AppError {
  return new AppError("unauthorized", message, [], { "WWW-Authenticate": 'Bearer realm="threadline"' });
}

function crossSite(): AppError {
  return new AppError("forbidden", "Cross-site request refused: a signed-in browser may only write from Threadline's own pages.");
}

/**
 * Who may write. Demo mode: anyone (a known key or session still names the sender). Protected mode:
 * a valid API key or a session; a cookie-authenticated write from another origin is refused.
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
  return resolved.principal;
}

/** An admin signed in (key management). Needed in both modes: demo mode has no admin to stand in. */
export async function requireAdmin(
  request: Request,
  store: Queryable,
  env: Config = getConfig(),
): Promise<Principal & { kind: "user" }> {
  const resolved = await resolveCredentials(request, store, env);
  if (resolved.principal === null) throw unauthorized("Sign in as an admin to manage API keys.");
  if (resolved.principal.kind !== "user" || !resolved.principal.isAdmin) {
    throw new AppError("forbidden", "Only a signed-in admin may manage API keys.");
  }
  if (UNSAFE_METHODS.has(request.method) && !isSameOrigin(request, env)) throw crossSite();
  return resolved.principal;
}
