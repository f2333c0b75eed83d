import "server-only";
import type { Sqlite } from "./db";
import { AppError, isUniqueViolation } from "./errors";
import { hashToken, newToken } from "./auth-crypto";

/**
 * API keys for machines (`Authorization: Bearer <key>`): named, created and revoked by an admin.
 * A key is `tlk_` + 256 random bits; only its sha256 is stored and the key is shown once. Names
 * are unique forever (a revoked key keeps its name) because Event.sender records them.
 */

export const KEY_PREFIX = "tlk_";
const KEY_PATTERN = /^tlk_[A-Za-z0-9_-]{43}$/;
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][\w.@-]{0,63}$/;
/** lastUsedAt is refreshed at most this often, so a busy ingest client does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeySummary {
  id: number;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

const COLUMNS = "id, name, prefix, createdAt, createdBy, lastUsedAt, revokedAt, revokedBy";

export function createApiKey(db: Sqlite, name: string, createdBy: string): { key: ApiKeySummary; secret: string } {
  if (!KEY_NAME_PATTERN.test(name)) {
    throw new AppError("bad_request", "A key name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.", [
      { path: "name", message: "invalid name" },
    ]);
  }
  const nameTaken = () =>
    new AppError("conflict", `There is already a key named ${name} (names stay taken after revocation, because events record them).`, [
      { path: "name", message: "already used" },
    ]);
  if (db.prepare<[string], { id: number }>("SELECT id FROM ApiKey WHERE name = ?").get(name)) throw nameTaken();
  const secret = newToken(KEY_PREFIX);
  const now = new Date().toISOString();
  try {
    const info = db
      .prepare("INSERT INTO ApiKey (name, keyHash, prefix, createdAt, createdBy) VALUES (?, ?, ?, ?, ?)")
      .run(name, hashToken(secret), secret.slice(0, KEY_PREFIX.length + 6), now, createdBy);
    return { key: getApiKey(db, Number(info.lastInsertRowid))!, secret };
  } catch (error) {
    // Another server (or the CLI) created the same name between the check and the insert.
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export function getApiKey(db: Sqlite, id: number): ApiKeySummary | null {
  return db.prepare<[number], ApiKeySummary>(`SELECT ${COLUMNS} FROM ApiKey WHERE id = ?`).get(id) ?? null;
}

/** Every key, newest first (revoked ones too: they explain old events' senders). */
export function listApiKeys(db: Sqlite): ApiKeySummary[] {
  return db.prepare<[], ApiKeySummary>(`SELECT ${COLUMNS} FROM ApiKey ORDER BY id DESC`).all();
}

/** Records the revocation (the row stays). Revoking twice is a no-op that answers the same. */
export function revokeApiKey(db: Sqlite, id: number, revokedBy: string): ApiKeySummary {
  const key = getApiKey(db, id);
  if (!key) throw new AppError("not_found", `There is no API key ${id}.`);
  if (key.revokedAt) return key;
  db.prepare("UPDATE ApiKey SET revokedAt = ?, revokedBy = ? WHERE id = ? AND revokedAt IS NULL").run(new Date().toISOString(), revokedBy, id);
  return getApiKey(db, id)!;
}

export type KeyLookup = { status: "valid"; key: ApiKeySummary } | { status: "revoked"; key: ApiKeySummary } | { status: "unknown" };

/** Finds the key a Bearer secret belongs to (by its hash: a lookup on a 256-bit secret leaks nothing by timing). */
export function findApiKey(db: Sqlite, secret: string, now = new Date()): KeyLookup {
  if (!KEY_PATTERN.test(secret)) return { status: "unknown" };
  const key = db.prepare<[string], ApiKeySummary>(`SELECT ${COLUMNS} FROM ApiKey WHERE keyHash = ?`).get(hashToken(secret));
  if (!key) return { status: "unknown" };
  if (key.revokedAt) return { status: "revoked", key };
  if (!key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    db.prepare("UPDATE ApiKey SET lastUsedAt = ? WHERE id = ?").run(now.toISOString(), key.id);
  }
  return { status: "valid", key };
}
