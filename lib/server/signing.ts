import "server-only";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { getConfig } from "@/lib/config";
import { canonicalJson } from "@/lib/schemas/canonical";
import type { SignedStatement } from "@/lib/schemas/audit";
import type { Queryable } from "./store/types";

/**
 * Ed25519 signatures over the log head, exports and provenance manifests, so a reviewer can check
 * offline, with only the public key (GET /api/v1/audit/public-key), that a file came from this
 * Threadline and was not edited since. There is one key for all of them (getInstanceSigner).
 *
 * THREADLINE_SIGNING_KEY holds the private key: PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), or the
 * same DER bytes in base64 on one line (handy in an env file), read by lib/config.ts. Generate one with
 *   node -e "const {generateKeyPairSync}=require('crypto');console.log(generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'der'}).toString('base64'))"
 * Unset, the instance key kept in the store signs. What is signed for heads and exports is always
 * canonicalJson(statement) — the bytes the hash chain uses — so any verifier that sorts keys the
 * same way (or uses `npm run verify-export`) gets the same bytes; manifests sign RFC 8785 JSON.
 */

export interface Signer {
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

let configuredSigner: Signer | null | undefined;

/** A short, stable name for a public key: the first 16 hex digits of sha256 of its SPKI DER bytes. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

export function signerFromKey(privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKey,
  };
}

/** The signer of THREADLINE_SIGNING_KEY, or null when it is not set. */
function getConfiguredSigner(): Signer | null {
  if (configuredSigner === undefined) {
    const key = getConfig().THREADLINE_SIGNING_KEY;
    configuredSigner = key ? signerFromKey(key) : null;
  }
  return configuredSigner;
}

const instanceSigners = new WeakMap<Queryable, Signer>();

/**
 * The key this Threadline signs with, always: THREADLINE_SIGNING_KEY when set, else the instance
 * key kept in the store (InstanceKey), made by the first server that needs one. Every server of a
 * store reads the same row (the insert that loses a race leaves the winner's key), so they all
 * sign with one key and GET /api/v1/audit/public-key answers the same everywhere. Set
 * THREADLINE_SIGNING_KEY in production to keep the private key out of the database and its backups.
 */
export async function getInstanceSigner(store: Queryable): Promise<Signer> {
  const configured = getConfiguredSigner();
  if (configured) return configured;
  const known = instanceSigners.get(store);
  if (known) return known;
  let row = await store.get<{ privateKey: string }>(`SELECT "privateKey" FROM "InstanceKey" WHERE "id" = 'signing'`);
  if (!row) {
    const der = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    await store.run(`INSERT INTO "InstanceKey" ("id", "privateKey", "createdAt") VALUES ('signing', ?, ?) ON CONFLICT ("id") DO NOTHING`, [der, new Date().toISOString()]);
    row = await store.get<{ privateKey: string }>(`SELECT "privateKey" FROM "InstanceKey" WHERE "id" = 'signing'`);
  }
  const signer = signerFromKey(createPrivateKey({ key: Buffer.from(row!.privateKey, "base64"), format: "der", type: "pkcs8" }));
  instanceSigners.set(store, signer);
  return signer;
}

/**
 * Signs a statement (which should carry the signer's keyId). Without a signer (a caller that asked
 * for none) the statement is returned unsigned (`signature: null`): its digests still let a reader
 * check the content.
 */
export function signStatement<S>(statement: S, signer: Signer | null): SignedStatement<S> {
  if (!signer) return { statement, algorithm: "Ed25519", signature: null, publicKey: null };
  const signature = sign(null, Buffer.from(canonicalJson(statement), "utf8"), signer.privateKey).toString("base64");
  return { statement, algorithm: "Ed25519", signature, publicKey: signer.publicKeyPem };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

/**
 * Checks a signed statement against a public key (SPKI PEM). Pass the key published by the
 * Threadline instance (GET /api/v1/audit/public-key); the key embedded in a file only proves that
 * someone holding *that* key signed it.
 */
export function verifyStatement(signed: SignedStatement<unknown>, publicKeyPem: string): SignatureCheck {
  if (!signed.signature) return { ok: false, reason: "the statement is not signed" };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyPem, format: "pem" });
  } catch (error) {
    return { ok: false, reason: `unreadable public key: ${(error as Error).message}` };
  }
  if (key.asymmetricKeyType !== "ed25519") return { ok: false, reason: "the public key is not an Ed25519 key" };
  const isValid = verify(null, Buffer.from(canonicalJson(signed.statement), "utf8"), key, Buffer.from(signed.signature, "base64"));
  return isValid ? { ok: true, keyId: keyIdOf(key) } : { ok: false, reason: "the signature does not match the statement" };
}
