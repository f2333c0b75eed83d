import "server-only";
import type { Queryable, Store } from "./store/types";
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

export async function countUsers(store: Queryable): Promise<number> {
  return (await store.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "User"`))?.n ?? 0;
}

export async function findUserById(store: Queryable, id: number): Promise<UserRecord | null> {
  return (await store.get<UserRecord>(`SELECT "id", "username", "role" FROM "User" WHERE "id" = ?`, [id])) ?? null;
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
  store: Store,
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
  return store.transaction(async (tx) => {
    const existing = await tx.get<{ id: number }>(`SELECT "id" FROM "User" WHERE "username" = ?`, [username]);
    if (existing) {
      await tx.run(`UPDATE "User" SET "passwordHash" = ?, "role" = ?, "updatedAt" = ? WHERE "id" = ?`, [passwordHash, role, now, existing.id]);
      // A new password ends every session signed in with the old one.
      await tx.run(`DELETE FROM "Session" WHERE "userId" = ?`, [existing.id]);
      return { user: { id: existing.id, username, role }, created: false };
    }
    const inserted = await tx.get<{ id: number }>(
      `INSERT INTO "User" ("username", "passwordHash", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?) RETURNING "id"`,
      [username, passwordHash, role, now, now],
    );
    return { user: { id: inserted!.id, username, role }, created: true };
  });
}

/** The user whose password this is, or null; as slow for an unknown username as for a wrong password. */
export async function checkCredentials(store: Queryable, username: string, password: string): Promise<UserRecord | null> {
  const row = await store.get<UserRecord & { passwordHash: string }>(
    `SELECT "id", "username", "role", "passwordHash" FROM "User" WHERE "username" = ?`,
    [username],
  );
  const ok = await verifyPassword(password, row?.passwordHash ?? null);
  return ok && row ? { id: row.id, username: row.username, role: row.role } : null;
}

// One bootstrap per store (a process may hold several: scripts, tests).
const bootstrapped = new WeakMap<Store, Promise<void>>();

/**
 * THREADLINE_ADMIN_PASSWORD: creates THREADLINE_ADMIN_USER the first time it is needed, when no user
 * exists yet. Never touches an existing user, so changing the variable later changes nothing.
 */
export function ensureBootstrapAdmin(store: Store, username: string, password: string | undefined): Promise<void> {
  if (!password) return Promise.resolve();
  let done = bootstrapped.get(store);
  if (done === undefined) {
    done = (async () => {
      if ((await countUsers(store)) > 0) return;
      await upsertUser(store, username, password, "admin");
      console.log(`Threadline: created admin "${username}" from THREADLINE_ADMIN_PASSWORD.`);
    })().catch((error: unknown) => {
      bootstrapped.delete(store);
      throw error;
    });
    bootstrapped.set(store, done);
  }
  return done;
}
