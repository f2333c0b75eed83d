import type { RunParameter } from "./types";

/**
 * Artefact provenance, the pure part: what a digest and a watermark look like, and which signature
 * status a dataset version's producer signature has. Shared by the server (projection, lookups,
 * manifests) and the browser (the /provenance page), so both read a digest the same way.
 */

/** `sha256:` and 64 hex digits: the one digest form Threadline stores and looks up. */
const DIGEST = /^sha256:([0-9a-f]{64})$/i;

/**
 * The digest in its stored form (`sha256:` + lowercase hex), or null when `text` is not one. Case
 * is not significant in hex, so `SHA256:ABC…` and `sha256:abc…` find the same artefact.
 */
export function normaliseDigest(text: string): string | null {
  const match = DIGEST.exec(text.trim());
  return match ? `sha256:${match[1].toLowerCase()}` : null;
}

/** The digest of `bytes`' SHA-256 in hex, in Threadline's form. */
export function digestOfHex(hex: string): string {
  return `sha256:${hex.toLowerCase()}`;
}

export interface WatermarkRef {
  scheme: string;
  payload: string;
}

/**
 * `<scheme>:<payload>` as a lookup names a watermark. The scheme holds no `:` (the facet's schema
 * says so); the payload is everything after the first one and may hold more.
 */
export function parseWatermark(text: string): WatermarkRef | null {
  const at = text.indexOf(":");
  if (at <= 0 || at === text.length - 1) return null;
  return { scheme: text.slice(0, at), payload: text.slice(at + 1) };
}

/**
 * Where a version's producer signature stands, derived at read time from what the event said
 * (contentHash, signature, signerKeyId) and the signers registry as it is now:
 * - `unsigned`: no signature (or no content hash to have signed);
 * - `unknown-signer`: a signature whose key is not registered (or not for this namespace);
 * - `revoked`: the key was registered and has been revoked since;
 * - `invalid`: the registered key's Ed25519 check of the signature over contentHash fails;
 * - `verified`: it holds.
 */
export type SignatureStatus = "verified" | "invalid" | "unknown-signer" | "revoked" | "unsigned";

export const SIGNATURE_STATUSES: readonly SignatureStatus[] = ["verified", "invalid", "unknown-signer", "revoked", "unsigned"];

export interface SignatureClaim {
  contentHash: string | null;
  signature: string | null;
  signerKeyId: string | null;
}

export interface RegisteredSigner {
  keyId: string;
  name: string;
  /** Namespaces the key may sign for; empty: any. */
  namespaces: readonly string[];
  isRevoked: boolean;
}

/**
 * The status of one claim. `checkSignature` does the Ed25519 check (Node's crypto on the server)
 * and is only called for a registered, unrevoked key allowed in `namespace`.
 */
export function signatureStatusOf(
  claim: SignatureClaim,
  signer: RegisteredSigner | undefined,
  namespace: string,
  checkSignature: () => boolean,
): SignatureStatus {
  if (!claim.signature || !claim.contentHash) return "unsigned";
  if (!claim.signerKeyId || !signer) return "unknown-signer";
  if (signer.namespaces.length > 0 && !signer.namespaces.includes(namespace)) return "unknown-signer";
  if (signer.isRevoked) return "revoked";
  return checkSignature() ? "verified" : "invalid";
}

/** How each status reads on a badge. */
export const SIGNATURE_LABELS: Record<SignatureStatus, string> = {
  verified: "Signature verified",
  invalid: "Signature invalid",
  "unknown-signer": "Unknown signer",
  revoked: "Signer revoked",
  unsigned: "Unsigned",
};

/** A producer signature's status with who made it, as lookups, manifests and node details tell it. */
export interface SignatureInfo {
  status: SignatureStatus;
  signerKeyId: string | null;
  /** The registered signer's name, when the key is registered. */
  signerName: string | null;
}

/** A dataset version as a lookup names it. */
export interface VersionRef {
  nodeId: string;
  namespace: string;
  name: string;
  version: string;
  kind: string;
  contentHash: string | null;
}

export interface ProvenanceMatch extends VersionRef {
  /** The file inside the version whose digest matched; null when the version's own contentHash did. */
  file: string | null;
  mediaType: string | null;
  size: number | null;
  producedBy: { runId: string; runNodeId: string; jobId: string; jobName: string; state: string; startedAt: string | null; endedAt: string | null } | null;
  /** Upstream versions of datasets of type MODEL (checkpoints) behind the artefact, nearest first. */
  models: VersionRef[];
  /** Upstream versions of datasets of type PROMPT. */
  prompts: VersionRef[];
  parameters: RunParameter[];
  /** The producing run's input versions. */
  inputs: VersionRef[];
  signature: SignatureInfo;
  watermark: { scheme: string; payload: string; keyId: string | null } | null;
}

export interface ProvenanceAnswer {
  digest?: string;
  watermark?: string;
  matches: ProvenanceMatch[];
  /** More matches exist than were answered. */
  isTruncated: boolean;
}

