import "server-only";
import type { Queryable, Store } from "./store/types";
import { AppError } from "./errors";
import { hashPassword, verifyPassword } from "./auth-crypto";
import type { Role, UserSummary } from "@/lib/schemas/auth";

/**
 * People who sign in, each with a role (lib/schemas/auth.ts ROLES): viewer, editor or admin. An
 * admin adds people and sets their roles on /admin; `npm run create-admin` makes an admin (or gives
 * one a new password) from the command line.
 */

export const USERNAME_PATTERN = /^[\w.@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 10;


export async function countUsers(store: Queryable): Promise<number> {
  return (await store.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "User"`))?.n ?? 0;
}

export async function findUserById(store: Queryable, id: number): Promise<UserSummary | null> {
  return (await store.get<UserSummary>(`SELECT "id", "username", "role" FROM "User" WHERE "id" = ?`, [id])) ?? null;
}

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError("bad_request", "A username is 1-64 letters, digits, '.', '_', '@' or '-'.", [
      { path: "username", message: "invalid username" },
    ]);
  }
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
  role: Role = "admin",
): Promise<{ user: UserSummary; created: boolean }> {
  checkUsername(username);
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
export async function checkCredentials(store: Queryable, username: string, password: string): Promise<UserSummary | null> {
  const row = await store.get<UserSummary & { passwordHash: string }>(
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

/** Everyone who signs in, by name. */
export function listUsers(store: Queryable): Promise<UserSummary[]> {
  return store.all<UserSummary>(`SELECT "id", "username", "role" FROM "User" ORDER BY "username"`);
}

/**
 * A new person, added by an admin. Refused (409) when the name is taken, also when two servers add
 * it at once: giving an existing person a new password is `npm run create-admin`, never this.
 */
export async function createUser(store: Queryable, username: string, password: string, role: Role): Promise<UserSummary> {
  checkUsername(username);
  checkNewPassword(password);
  const passwordHash = await hashPassword(password);
  const now = new Date().toISOString();
  const inserted = await store.get<{ id: number }>(
    `INSERT INTO "User" ("username", "passwordHash", "role", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)
     ON CONFLICT ("username") DO NOTHING RETURNING "id"`,
    [username, passwordHash, role, now, now],
  );
  if (!inserted) {
    throw new AppError("conflict", `There is already a person named ${username}.`, [{ path: "username", message: "already taken" }]);
  }
  return { id: inserted.id, username, role };
}

/**
 * Sets a person's role. Refused when it would leave nobody able to manage people (demoting the last
 * admin). Open sessions keep working with the new role: roles are read on every request.
 */
export async function setUserRole(store: Store, id: number, role: Role): Promise<UserSummary> {
  return store.transaction(async (tx) => {
    const user = await findUserById(tx, id);
    if (!user) throw new AppError("not_found", `There is no person with id ${id}.`);
    if (user.role === "admin" && role !== "admin") {
      const others = await tx.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "User" WHERE "role" = 'admin' AND "id" <> ?`, [id]);
      if (Number(others?.n ?? 0) === 0) {
        throw new AppError("conflict", `${user.username} is the last admin; make someone else admin first, so people and keys stay manageable.`, [
          { path: "role", message: "last admin" },
        ]);
      }
    }
    await tx.run(`UPDATE "User" SET "role" = ?, "updatedAt" = ? WHERE "id" = ?`, [role, new Date().toISOString(), id]);
    return { ...user, role };
  });
}
