import "server-only";
import type { Sqlite } from "./db";
import { AppError } from "./errors";
import { hashPassword, verifyPassword } from "./auth-crypto";

/** People who sign in. Only admins so far; `role` leaves room for read-only members later. */

export const USERNAME_PATTERN = /^[\w.@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 10;

export interface UserRecord {
  id: number;
  username: string;
  role: string;
}

export function countUsers(db: Sqlite): number {
  return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM User").get()?.n ?? 0;
}

export function findUserById(db: Sqlite, id: number): UserRecord | null {
  return db.prepare<[number], UserRecord>("SELECT id, username, role FROM User WHERE id = ?").get(id) ?? null;
}

/** Checks the rules a new password must meet; the message says what is wrong. */
export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("bad_request", `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`, [
      { path: "password", message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
}

/**
 * Creates a user, or sets a new password for an existing one (the way back in for an admin who
 * forgot theirs: `npm run create-admin -- <user>` again). Says which it did.
 */
export async function upsertUser(
  db: Sqlite,
  username: string,
  password: string,
  role = "admin",
): Promise<{ user: UserRecord; created: boolean }> {
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError("bad_request", "A username is 1-64 letters, digits, '.', '_', '@' or '-'.", [
      { path: "username", message: "invalid username" },
    ]);
  }
  checkNewPassword(password);
  const passwordHash = await hashPassword(password);
  const now = new Date().toISOString();
  const existing = db.prepare<[string], { id: number }>("SELECT id FROM User WHERE username = ?").get(username);
  if (existing) {
    db.prepare("UPDATE User SET passwordHash = ?, role = ?, updatedAt = ? WHERE id = ?").run(passwordHash, role, now, existing.id);
    // A new password ends every session signed in with the old one.
    db.prepare("DELETE FROM Session WHERE userId = ?").run(existing.id);
    return { user: { id: existing.id, username, role }, created: false };
  }
  const info = db
    .prepare("INSERT INTO User (username, passwordHash, role, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)")
    .run(username, passwordHash, role, now, now);
  return { user: { id: Number(info.lastInsertRowid), username, role }, created: true };
}

/** The user whose password this is, or null; as slow for an unknown username as for a wrong password. */
export async function checkCredentials(db: Sqlite, username: string, password: string): Promise<UserRecord | null> {
  const row = db
    .prepare<[string], UserRecord & { passwordHash: string }>("SELECT id, username, role, passwordHash FROM User WHERE username = ?")
    .get(username);
  const ok = await verifyPassword(password, row?.passwordHash ?? null);
  return ok && row ? { id: row.id, username: row.username, role: row.role } : null;
}

let bootstrapped: Promise<void> | null = null;

/**
 * THREADLINE_ADMIN_PASSWORD: creates THREADLINE_ADMIN_USER the first time it is needed, when no user
 * exists yet. Never touches an existing user, so changing the variable later changes nothing.
 */
export function ensureBootstrapAdmin(db: Sqlite, username: string, password: string | undefined): Promise<void> {
  if (!password) return Promise.resolve();
  bootstrapped ??= (async () => {
    if (countUsers(db) > 0) return;
    await upsertUser(db, username, password, "admin");
    console.log(`Threadline: created admin "${username}" from THREADLINE_ADMIN_PASSWORD.`);
  })().catch((error: unknown) => {
    bootstrapped = null;
    throw error;
  });
  return bootstrapped;
}
