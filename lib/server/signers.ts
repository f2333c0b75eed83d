import "server-only";
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { AppError } from "./errors";
import { keyIdOf } from "./signing";
import type { Queryable } from "./store/types";
import { getAuthMode, requireAdmin, requireWriter, type Principal } from "./auth";
import type { Signer } from "@/lib/schemas/provenance";
import { nodeId } from "@/lib/lineage/node-id";
import { signatureStatusOf, type RegisteredSigner, type SignatureClaim, type SignatureInfo } from "@/lib/lineage/provenance";

export type { SignatureInfo };

/**
 * The producers' signing keys (Signer) and the signature status of dataset versions.
 *
 * Why the status is derived at read time rather than stored at ingest: the event log keeps what a
 * producer sent either way, and the projection must stay a pure function of that log (rebuild and
 * verify replay it). The registry is not part of the log, so a status computed at ingest would
 * depend on the registry as it was then, and would have to be rewritten on every registration and
 * revocation, by every server. Derived from the stored signature and the registry as it is now, a
 * revocation shows at once everywhere, a key registered after its producer's events turns their
 * `unknown-signer` into `verified`, and a replay never disagrees with the stored projection. The
 * Ed25519 check itself is a pure function of (key, digest, signature), so its answers are memoised.
 */

/** A Signer row as stored: its namespaces are a JSON text column. */
type SignerRow = Omit<Signer, "namespaces"> & { namespaces: string };

const SIGNER_COLUMNS = `"keyId", "name", "publicKey", "namespaces", "createdAt", "createdBy", "revokedAt", "revokedBy"`;

function toView(row: SignerRow): Signer {
  let namespaces: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.namespaces);
    if (Array.isArray(parsed)) namespaces = parsed.filter((n): n is string => typeof n === "string");
  } catch {
    // A hand-edited row: treat as "any namespace" rather than failing every read.
  }
  return { ...row, namespaces };
}

/** An Ed25519 public key from SPKI PEM, or a 400 naming `publicKey`. */
export function parseSignerKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw new AppError("bad_request", "publicKey is not an SPKI PEM public key.", [{ path: "publicKey", message: "expected -----BEGIN PUBLIC KEY-----" }]);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new AppError("bad_request", `publicKey must be an Ed25519 key, not ${key.asymmetricKeyType ?? "unknown"}.`, [
      { path: "publicKey", message: "expected an Ed25519 key" },
    ]);
  }
  return key;
}

export interface SignerInput {
  name: string;
  publicKey: string;
  namespaces?: string[];
}

/**
 * Registers a producer key. Registering the same key again answers the existing entry (a retry
 * never duplicates; `created` is false); a revoked key stays revoked (409).
 */
export async function registerSigner(store: Queryable, input: SignerInput, principal: Principal, now = new Date().toISOString()): Promise<{ signer: Signer; created: boolean }> {
  const key = parseSignerKey(input.publicKey);
  const keyId = keyIdOf(key);
  const publicKey = key.export({ type: "spki", format: "pem" }).toString();
  const namespaces = [...new Set(input.namespaces ?? [])].sort();
  const inserted = await store.run(
    `INSERT INTO "Signer" ("keyId", "name", "publicKey", "namespaces", "createdAt", "createdBy") VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT ("keyId") DO NOTHING`,
    [keyId, input.name, publicKey, JSON.stringify(namespaces), now, principal.sender],
  );
  const signer = await getSigner(store, keyId);
  if (!signer) throw new AppError("internal", "The signer vanished after its registration.");
  if (inserted.changes === 0 && signer.revokedAt) {
    throw new AppError("conflict", `The key ${keyId} was revoked on ${signer.revokedAt}; a revoked key cannot be registered again.`);
  }
  return { signer, created: inserted.changes > 0 };
}

export async function getSigner(store: Queryable, keyId: string): Promise<Signer | null> {
  const row = await store.get<SignerRow>(`SELECT ${SIGNER_COLUMNS} FROM "Signer" WHERE "keyId" = ?`, [keyId]);
  return row ? toView(row) : null;
}

export async function listSigners(store: Queryable): Promise<Signer[]> {
  const rows = await store.all<SignerRow>(`SELECT ${SIGNER_COLUMNS} FROM "Signer" ORDER BY "createdAt", "keyId"`);
  return rows.map(toView);
}

/** Revokes a key (recorded, never deleted); revoking it again answers the first revocation. */
export async function revokeSigner(store: Queryable, keyId: string, principal: Principal, now = new Date().toISOString()): Promise<Signer> {
  await store.run(`UPDATE "Signer" SET "revokedAt" = ?, "revokedBy" = ? WHERE "keyId" = ? AND "revokedAt" IS NULL`, [now, principal.sender, keyId]);
  const signer = await getSigner(store, keyId);
  if (!signer) throw new AppError("not_found", `No signer with key id ${keyId}.`);
  return signer;
}

/**
 * Who may register and revoke producer keys: the existing access rules, as for every write (anyone
 * in local demo mode), and an admin once access control is on: a key decides what "verified" means.
 */
export async function requireSignerManager(request: Request, store: Queryable): Promise<Principal> {
  const mode = await getAuthMode(store);
  return mode.isProtected ? requireAdmin(request, store) : requireWriter(request, store);
}

// ---- statuses ---------------------------------------------------------------------------------

const CHECKS_KEPT = 20_000;
const checks = new Map<string, boolean>();

/** Ed25519 over the UTF-8 bytes of the content hash, memoised (the answer never changes). */
function checkEd25519(publicKeyPem: string, contentHash: string, signature: string): boolean {
  const memo = `${publicKeyPem}\n${contentHash}\n${signature}`;
  const known = checks.get(memo);
  if (known !== undefined) return known;
  let isValid = false;
  try {
    isValid = verify(null, Buffer.from(contentHash, "utf8"), createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    isValid = false;
  }
  if (checks.size >= CHECKS_KEPT) checks.delete(checks.keys().next().value as string);
  checks.set(memo, isValid);
  return isValid;
}

export interface VersionClaim extends SignatureClaim {
  versionKey: string;
  namespace: string;
}

/** The signature status of each claim against the registry as it is now (one query for all keys). */
export async function signatureStatuses(store: Queryable, claims: readonly VersionClaim[]): Promise<Map<string, SignatureInfo>> {
  const keyIds = [...new Set(claims.flatMap((c) => (c.signature && c.signerKeyId ? [c.signerKeyId] : [])))];
  const signers = new Map<string, SignerRow>();
  for (let i = 0; i < keyIds.length; i += 500) {
    const slice = keyIds.slice(i, i + 500);
    const rows = await store.all<SignerRow>(`SELECT ${SIGNER_COLUMNS} FROM "Signer" WHERE "keyId" IN (${slice.map(() => "?").join(", ")})`, slice);
    for (const row of rows) signers.set(row.keyId, row);
  }
  const out = new Map<string, SignatureInfo>();
  for (const claim of claims) {
    const row = claim.signerKeyId ? signers.get(claim.signerKeyId) : undefined;
    const view = row ? toView(row) : undefined;
    const registered: RegisteredSigner | undefined = view && { keyId: view.keyId, name: view.name, namespaces: view.namespaces, isRevoked: view.revokedAt !== null };
    const status = signatureStatusOf(claim, registered, claim.namespace, () =>
      checkEd25519(row!.publicKey, claim.contentHash!, claim.signature!),
    );
    out.set(claim.versionKey, { status, signerKeyId: claim.signerKeyId, signerName: view?.name ?? null });
  }
  return out;
}

/** The signature status of stored versions (from ArtefactSignature); a version without a row is unsigned. */
export async function versionSignatures(store: Queryable, versionKeys: readonly string[]): Promise<Map<string, SignatureInfo>> {
  const claims: VersionClaim[] = [];
  for (let i = 0; i < versionKeys.length; i += 500) {
    const slice = versionKeys.slice(i, i + 500);
    claims.push(
      ...(await store.all<VersionClaim>(
        `SELECT "versionKey", "namespace", "contentHash", "signature", "signerKeyId" FROM "ArtefactSignature" WHERE "versionKey" IN (${slice.map(() => "?").join(", ")})`,
        slice,
      )),
    );
  }
  const statuses = await signatureStatuses(store, claims);
  for (const key of versionKeys) if (!statuses.has(key)) statuses.set(key, { status: "unsigned", signerKeyId: null, signerName: null });
  return statuses;
}

/** A version whose producer signature fails, as the overview lists it. */
export interface InvalidSignature {
  id: string;
  namespace: string;
  name: string;
  version: string;
  createdAt: string;
  signerKeyId: string;
  signerName: string;
}

/**
 * Versions whose signature fails against its registered key, newest first, for the overview (beside
 * failed outputs). Only signatures of registered, unrevoked keys can be `invalid`, so only those
 * are read (the newest 5,000), and each check is memoised.
 */
export async function listInvalidSignatures(store: Queryable, limit: number): Promise<InvalidSignature[]> {
  const rows = await store.all<VersionClaim & { version: string; createdAt: string; name: string; signerName: string }>(
    `SELECT s."versionKey", s."namespace", s."contentHash", s."signature", s."signerKeyId", k."name" AS "signerName",
            v."version", v."createdAt", d."name"
     FROM "ArtefactSignature" s JOIN "Signer" k ON k."keyId" = s."signerKeyId"
       JOIN "DatasetVersion" v ON v."key" = s."versionKey" JOIN "Dataset" d ON d."key" = v."datasetKey"
     WHERE k."revokedAt" IS NULL ORDER BY s."seq" DESC, s."versionKey" LIMIT 5000`,
  );
  const statuses = await signatureStatuses(store, rows);
  return rows
    .filter((r) => statuses.get(r.versionKey)?.status === "invalid")
    .slice(0, limit)
    .map((r) => ({ id: r.versionKey, namespace: r.namespace, name: r.name, version: r.version, createdAt: r.createdAt, signerKeyId: r.signerKeyId!, signerName: r.signerName }));
}

/**
 * Sets `signatureStatus` (and `signerName`) on the signed dataset versions among `nodes` (a view's,
 * a share's, an investigation's or a detail's), and on each dataset from its latest version in the
 * view (`version`: the latest as of the view's point), so badges show on nodes; unsigned versions
 * are left without one. Statuses are derived now, against the registry as it is now (see the module
 * comment), and replace whatever a node carried. Changes the nodes in place.
 */
export async function markSignatureStatuses<N extends { id: string; type: string; namespace: string; name: string; version?: string | null; signatureStatus?: SignatureInfo["status"]; signerName?: string }>(
  store: Queryable,
  nodes: readonly N[],
): Promise<void> {
  const versionOf = new Map<N, string>();
  for (const node of nodes) {
    delete node.signatureStatus;
    delete node.signerName;
    if (node.type === "datasetVersion") versionOf.set(node, node.id);
    else if (node.type === "dataset" && node.version) versionOf.set(node, nodeId.datasetVersion(node.namespace, node.name, node.version));
  }
  if (versionOf.size === 0) return;
  const statuses = await versionSignatures(store, [...new Set(versionOf.values())]);
  for (const [node, versionKey] of versionOf) {
    const info = statuses.get(versionKey);
    if (!info || info.status === "unsigned") continue;
    node.signatureStatus = info.status;
    if (info.signerName) node.signerName = info.signerName;
  }
}

/**
 * A node detail with its signature as of now: the badge status on its node and, for a dataset
 * version, the full signature (status, key, signer) the side panel shows. Changes `detail` in place.
 */
export async function markDetailSignature(store: Queryable, detail: { node: Parameters<typeof markSignatureStatuses>[1][number]; signature?: SignatureInfo }): Promise<void> {
  await markSignatureStatuses(store, [detail.node]);
  if (detail.node.type === "datasetVersion") detail.signature = (await versionSignatures(store, [detail.node.id])).get(detail.node.id);
}
