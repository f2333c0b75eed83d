import { jcs } from "@/lib/schemas/canonical";
import { normaliseDigest } from "./provenance";

/**
 * Signed provenance manifests: the claim's shape (after C2PA's content credentials) and the one
 * verification, used by `npm run verify-manifest` and by the /provenance page in the browser alike.
 * Verification is WebCrypto's Ed25519 (Node 20 and every current browser have it) over the RFC 8785
 * (JCS) canonical JSON of the claim, so a manifest checks the same offline, in a shell or a tab.
 */

/** IPTC's digital source type for media made by a trained model, as C2PA's actions name it. */
export const TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

export interface ManifestDigest {
  alg: "sha256";
  /** sha256:<64 hex>. */
  hash: string;
  /** The file inside the version; absent for the version's own content hash. */
  name?: string;
}

export interface ManifestIngredient {
  title: string;
  nodeId: string;
  /** C2PA's relationship: every ingredient went into the run that made the artefact. */
  relationship: "inputTo";
  role: "model" | "prompt" | "input";
  version: string;
  digest: string | null;
  signatureStatus: string;
}

export interface ManifestClaim {
  claim_generator: string;
  format: "threadline.provenance-manifest/1";
  instanceID: string;
  title: string;
  issuedAt: string;
  artefact: {
    nodeId: string;
    namespace: string;
    name: string;
    version: string;
    file: string | null;
    digests: ManifestDigest[];
    signatureStatus: string;
    signerKeyId: string | null;
    watermark: { scheme: string; payload: string; keyId: string | null } | null;
  };
  assertions: { label: string; data: unknown }[];
  ingredients: ManifestIngredient[];
  /** The event log's head when the manifest was issued: what the claim was read from. */
  chainHead: { seq: number; hash: string } | null;
}

export interface Manifest {
  claim: ManifestClaim;
  signature: { alg: "Ed25519"; keyId: string; publicKey: string; value: string };
}

export interface ManifestCheck {
  ok: boolean;
  /** What holds, one line each (signature, key, file). */
  passed: string[];
  /** What failed, one line each; empty when ok. */
  failures: string[];
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s+/g, ""));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function spkiOf(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "");
  return base64ToBytes(body);
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A key's id as Threadline names it: the first 16 hex digits of sha256 of its SPKI DER bytes. */
export async function keyIdOfPem(pem: string): Promise<string> {
  return (await sha256Hex(spkiOf(pem))).slice(0, 16);
}

/** True when `value` has a manifest's shape (a claim object and an Ed25519 signature block). */
export function isManifest(value: unknown): value is Manifest {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  const signature = m.signature as Record<string, unknown> | undefined;
  return (
    typeof m.claim === "object" && m.claim !== null &&
    typeof signature === "object" && signature !== null &&
    signature.alg === "Ed25519" && typeof signature.value === "string" && typeof signature.publicKey === "string"
  );
}

/**
 * Checks a manifest: its Ed25519 signature over jcs(claim) with `publicKeyPem` (the key Threadline
 * publishes at GET /api/v1/audit/public-key; without it, the key in the manifest, which only proves
 * that someone holding that key signed it), and, given an artefact's digest, that the claim names it.
 */
export async function verifyManifest(value: unknown, options: { publicKeyPem?: string; fileDigest?: string } = {}): Promise<ManifestCheck> {
  const passed: string[] = [];
  const failures: string[] = [];
  if (!isManifest(value)) {
    return { ok: false, passed, failures: ["not a Threadline manifest: expected { claim, signature: { alg: \"Ed25519\", keyId, publicKey, value } }"] };
  }
  const pem = options.publicKeyPem ?? value.signature.publicKey;
  if (options.publicKeyPem && options.publicKeyPem.trim() !== value.signature.publicKey.trim()) {
    const [given, embedded] = await Promise.all([keyIdOfPem(options.publicKeyPem).catch(() => "?"), keyIdOfPem(value.signature.publicKey).catch(() => "?")]);
    if (given !== embedded) failures.push(`key: the manifest names key ${value.signature.keyId}, not the given key ${given}`);
  }
  let key: CryptoKey | null = null;
  try {
    key = await crypto.subtle.importKey("spki", spkiOf(pem), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    failures.push("key: the public key is not an Ed25519 SPKI PEM key");
  }
  if (key) {
    let isValid = false;
    try {
      isValid = await crypto.subtle.verify({ name: "Ed25519" }, key, base64ToBytes(value.signature.value), new TextEncoder().encode(jcs(value.claim)));
    } catch {
      isValid = false;
    }
    if (isValid) passed.push(`signature: valid Ed25519 over the claim, key ${await keyIdOfPem(pem)}${options.publicKeyPem ? "" : " (the manifest's own key)"}`);
    else failures.push("signature: does not match the claim (the claim was changed, or signed with another key)");
  }
  if (options.fileDigest !== undefined) {
    const digest = normaliseDigest(options.fileDigest);
    const digests = Array.isArray(value.claim.artefact?.digests) ? value.claim.artefact.digests : [];
    const named = digest ? digests.find((d) => normaliseDigest(String(d.hash)) === digest) : undefined;
    if (named) passed.push(`file: its digest ${digest} is the claim's${named.name ? ` (${named.name})` : ""}`);
    else failures.push(`file: its digest ${digest ?? options.fileDigest} is not among the claim's digests`);
  }
  return { ok: failures.length === 0, passed, failures };
}
