import "server-only";
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * The cryptography access control rests on, all from node:crypto:
 * - passwords: scrypt with a random 16-byte salt per password (memory-hard, so a stolen User table
 *   is slow to crack), stored with its parameters so they can be raised later;
 * - tokens (session cookies, API keys, share links): 32 random bytes (256 bits), base64url; only
 *   their sha256 is stored, so a copy of the database grants nothing. A fast hash is enough here
 *   because the secrets are high-entropy: there is no dictionary to try.
 */

/** scrypt cost: N=2^15, r=8 (32 MiB, ~50-100 ms per check on one core). */
const SCRYPT = { N: 32768, r: 8, p: 1, keyLength: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  // Node's default maxmem (32 MiB) is exactly what N=2^15, r=8 needs, which scrypt counts as over.
  return { N, r, p, maxmem: 256 * N * r };
}

/** A self-describing scrypt hash: `scrypt$N$r$p$<salt>$<hash>` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = SCRYPT;
  const hash = await scryptAsync(password.normalize("NFC"), salt, keyLength, scryptOptions(N, r, p));
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

/** A hash with the current parameters of a password nobody has: checked when the user is unknown, so
 * "no such user" takes as long as "wrong password" and usernames cannot be probed by timing. */
let decoyHash: Promise<string> | null = null;

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const target = stored ?? (await (decoyHash ??= hashPassword(randomBytes(16).toString("hex"))));
  const parts = target.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password.normalize("NFC"), salt, expected.length, scryptOptions(N, r, p));
  return timingSafeEqual(actual, expected) && stored !== null;
}

/** A new random secret: 32 bytes (256 bits) as base64url (43 characters), with an optional prefix. */
export function newToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** sha256 hex of a token: the only form in which tokens are stored and looked up. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time comparison of two strings (lengths may differ; that alone leaks nothing useful). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
