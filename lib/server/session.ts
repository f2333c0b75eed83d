import "server-only";
import type { Queryable } from "./store/types";
import { hashToken, newToken } from "./auth-crypto";
import { findUserById } from "./auth-users";
import type { UserSummary } from "@/lib/schemas/auth";

/**
 * Server-side sessions behind an HttpOnly cookie. The cookie holds 256 random bits; the Session
 * table holds only their sha256, with an absolute expiry, so signing out (or a new password)
 * ends a session at once and a copied database holds no usable cookie.
 */

export const SESSION_COOKIE = "threadline_session";
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionUser extends UserSummary {
  tokenHash: string;
  expiresAt: string;
}

export async function createSession(
  store: Queryable,
  userId: number,
  hours: number,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  const iso = now.toISOString();
  // Housekeeping on the rare path (sign-in), not on every request.
  await store.run(`DELETE FROM "Session" WHERE "expiresAt" <= ?`, [iso]);
  await store.run(`INSERT INTO "Session" ("tokenHash", "userId", "createdAt", "expiresAt", "lastSeenAt") VALUES (?, ?, ?, ?, ?)`, [
    hashToken(token),
    userId,
    iso,
    expiresAt.toISOString(),
    iso,
  ]);
  return { token, expiresAt };
}

/** The user a session cookie belongs to, or null when it is unknown, expired or malformed. */
export async function findSessionUser(store: Queryable, token: string | null, now = new Date()): Promise<SessionUser | null> {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const row = await store.get<{ userId: number; expiresAt: string }>(`SELECT "userId", "expiresAt" FROM "Session" WHERE "tokenHash" = ?`, [tokenHash]);
  if (!row || row.expiresAt <= now.toISOString()) return null;
  const user = await findUserById(store, row.userId);
  return user ? { ...user, tokenHash, expiresAt: row.expiresAt } : null;
}

export async function deleteSession(store: Queryable, token: string | null): Promise<void> {
  if (!token || !TOKEN_PATTERN.test(token)) return;
  await store.run(`DELETE FROM "Session" WHERE "tokenHash" = ?`, [hashToken(token)]);
}

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** True when the browser reached us over https (directly or through a proxy that says so). */
export function isHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}

/**
 * Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * POSTs, fetches or frames), Secure when the site is served over https, Path=/.
 */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
