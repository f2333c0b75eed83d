import "server-only";
import type { Sqlite } from "./db";
import { hashToken, newToken } from "./auth-crypto";
import { findUserById, type UserRecord } from "./auth-users";

/**
 * Server-side sessions behind an HttpOnly cookie. The cookie holds 256 random bits; the Session
 * table holds only their sha256, with an absolute expiry, so signing out (or a new password)
 * ends a session at once and a copied database holds no usable cookie.
 */

export const SESSION_COOKIE = "threadline_session";
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionUser extends UserRecord {
  tokenHash: string;
  expiresAt: string;
}

export function createSession(db: Sqlite, userId: number, hours: number, now = new Date()): { token: string; expiresAt: Date } {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  const iso = now.toISOString();
  // Housekeeping on the rare path (sign-in), not on every request.
  db.prepare("DELETE FROM Session WHERE expiresAt <= ?").run(iso);
  db.prepare("INSERT INTO Session (tokenHash, userId, createdAt, expiresAt, lastSeenAt) VALUES (?, ?, ?, ?, ?)").run(
    hashToken(token),
    userId,
    iso,
    expiresAt.toISOString(),
    iso,
  );
  return { token, expiresAt };
}

/** The user a session cookie belongs to, or null when it is unknown, expired or malformed. */
export function findSessionUser(db: Sqlite, token: string | null, now = new Date()): SessionUser | null {
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  const tokenHash = hashToken(token);
  const row = db
    .prepare<[string], { userId: number; expiresAt: string }>("SELECT userId, expiresAt FROM Session WHERE tokenHash = ?")
    .get(tokenHash);
  if (!row || row.expiresAt <= now.toISOString()) return null;
  const user = findUserById(db, row.userId);
  return user ? { ...user, tokenHash, expiresAt: row.expiresAt } : null;
}

export function deleteSession(db: Sqlite, token: string | null): void {
  if (!token || !TOKEN_PATTERN.test(token)) return;
  db.prepare("DELETE FROM Session WHERE tokenHash = ?").run(hashToken(token));
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
