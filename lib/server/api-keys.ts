import "server-only";
import type { Queryable } from "./store/types";
import { AppError } from "./errors";
import { hashToken, newToken } from "./auth-crypto";
import type { ApiKeySummary, Role } from "@/lib/schemas/auth";

/**
 * API keys for machines (`Authorization: Bearer <key>`): named, created and revoked by an admin.
 * A key is `tlk_` + 256 random bits; only its sha256 is stored and the key is shown once. Names
 * are unique forever (a revoked key keeps its name) because Event.sender records them. Each key has
 * a role (viewer, editor, admin; lib/server/auth.ts): a read-only key for a dashboard or an auditor.
 */

export const KEY_PREFIX = "tlk_";
const KEY_PATTERN = /^tlk_[A-Za-z0-9_-]{43}$/;
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][\w.@-]{0,63}$/;
/** lastUsedAt is refreshed at most this often, so a busy ingest client does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;


const COLUMNS = `"id", "name", "prefix", "role", "createdAt", "createdBy", "lastUsedAt", "revokedAt", "revokedBy"`;

export async function createApiKey(
  store: Queryable,
  name: string,
  createdBy: string,
  role: Role = "editor",
): Promise<{ key: ApiKeySummary; secret: string }> {
  if (!KEY_NAME_PATTERN.test(name)) {
    throw new AppError("bad_request", "A key name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.", [
      { path: "name", message: "invalid name" },
    ]);
  }
  const secret = newToken(KEY_PREFIX);
  const now = new Date().toISOString();
  // The unique name decides, also when two servers (or the CLI) create the same name at once.
  const inserted = await store.get<{ id: number }>(
    `INSERT INTO "ApiKey" ("name", "keyHash", "prefix", "role", "createdAt", "createdBy") VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT ("name") DO NOTHING RETURNING "id"`,
    [name, hashToken(secret), secret.slice(0, KEY_PREFIX.length + 6), role, now, createdBy],
  );
  if (!inserted) {
    throw new AppError("conflict", `There is already a key named ${name} (names stay taken after revocation, because events record them).`, [
      { path: "name", message: "already used" },
    ]);
  }
  return { key: (await getApiKey(store, inserted.id))!, secret };
}

export async function getApiKey(store: Queryable, id: number): Promise<ApiKeySummary | null> {
  return (await store.get<ApiKeySummary>(`SELECT ${COLUMNS} FROM "ApiKey" WHERE "id" = ?`, [id])) ?? null;
}

/** Every key, newest first (revoked ones too: they explain old events' senders). */
export function listApiKeys(store: Queryable): Promise<ApiKeySummary[]> {
  return store.all<ApiKeySummary>(`SELECT ${COLUMNS} FROM "ApiKey" ORDER BY "id" DESC`);
}

/** Records the revocation (the row stays). Revoking twice is a no-op that answers the same. */
export async function revokeApiKey(store: Queryable, id: number, revokedBy: string): Promise<ApiKeySummary> {
  const key = await getApiKey(store, id);
  if (!key) throw new AppError("not_found", `There is no API key ${id}.`);
  if (key.revokedAt) return key;
  await store.run(`UPDATE "ApiKey" SET "revokedAt" = ?, "revokedBy" = ? WHERE "id" = ? AND "revokedAt" IS NULL`, [new Date().toISOString(), revokedBy, id]);
  return (await getApiKey(store, id))!;
}

/** Sets a key's role (an admin's decision); it holds from the key's next request on. A revoked key stays as it was. */
export async function setApiKeyRole(store: Queryable, id: number, role: Role): Promise<ApiKeySummary> {
  const key = await getApiKey(store, id);
  if (!key) throw new AppError("not_found", `There is no API key ${id}.`);
  if (key.revokedAt) throw new AppError("gone", `API key ${key.name} was revoked; it no longer has a role to change.`);
  await store.run(`UPDATE "ApiKey" SET "role" = ? WHERE "id" = ? AND "revokedAt" IS NULL`, [role, id]);
  return (await getApiKey(store, id))!;
}

export type KeyLookup = { status: "valid"; key: ApiKeySummary } | { status: "revoked"; key: ApiKeySummary } | { status: "unknown" };

/** Finds the key a Bearer secret belongs to (by its hash: a lookup on a 256-bit secret leaks nothing by timing). */
export async function findApiKey(store: Queryable, secret: string, now = new Date()): Promise<KeyLookup> {
  if (!KEY_PATTERN.test(secret)) return { status: "unknown" };
  const key = await store.get<ApiKeySummary>(`SELECT ${COLUMNS} FROM "ApiKey" WHERE "keyHash" = ?`, [hashToken(secret)]);
  if (!key) return { status: "unknown" };
  if (key.revokedAt) return { status: "revoked", key };
  if (!key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    await store.run(`UPDATE "ApiKey" SET "lastUsedAt" = ? WHERE "id" = ?`, [now.toISOString(), key.id]);
  }
  return { status: "valid", key };
}
