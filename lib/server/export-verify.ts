import "server-only";
import { isRecord } from "@/lib/lineage/json";
import { createHash } from "node:crypto";
import { verifyStatement } from "./signing";
import { PROV_ATTESTATION_ID, type ExportStatement } from "./export";
import { canonicalJson } from "@/lib/schemas/canonical";
import type { SignedStatement } from "@/lib/schemas/audit";

/**
 * Offline verification of an export (`npm run verify-export`): no database, no network. Checks
 * that the bytes are the ones attested (sha256) and that the attestation is signed by the given
 * public key (or, failing one, by the key the file names — which proves less, and says so).
 */

export interface ExportCheck {
  ok: boolean;
  kind: ExportStatement["kind"] | null;
  statement: ExportStatement | null;
  /** Each check, in order, with its outcome, for a person to read. */
  findings: { ok: boolean; message: string }[];
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The attestation embedded in a PROV-JSON export, and the digest of the document without it. */
function fromProv(doc: Record<string, unknown>): { signed: SignedStatement<ExportStatement>; digest: string } | null {
  const entities = doc.entity;
  if (!isRecord(entities) || !isRecord(entities[PROV_ATTESTATION_ID])) return null;
  const { [PROV_ATTESTATION_ID]: record, ...rest } = entities;
  const attrs = record as Record<string, unknown>;
  if (typeof attrs["tl:statement"] !== "string") return null;
  const statement = JSON.parse(attrs["tl:statement"]) as ExportStatement;
  const signed: SignedStatement<ExportStatement> = {
    statement,
    algorithm: "Ed25519",
    signature: typeof attrs["tl:signature"] === "string" ? attrs["tl:signature"] : null,
    publicKey: typeof attrs["tl:publicKey"] === "string" ? attrs["tl:publicKey"] : null,
  };
  return { signed, digest: sha256Hex(canonicalJson({ ...doc, entity: rest })) };
}

/**
 * Verifies an exported file. `attestation` is the JSON of a separate attestation (NDJSON exports
 * come with one: GET /api/v1/export/events?...&attestation=1); PROV-JSON carries its own.
 */
export function verifyExport(fileText: string, options: { attestation?: string; publicKeyPem?: string } = {}): ExportCheck {
  const findings: ExportCheck["findings"] = [];
  let signed: SignedStatement<ExportStatement> | null = null;
  let digest: string;

  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(fileText);
  } catch {
    // Not one JSON document: NDJSON.
  }
  const embedded = isRecord(parsed) ? fromProv(parsed) : null;
  if (embedded) {
    signed = embedded.signed;
    digest = embedded.digest;
    findings.push({ ok: true, message: "found the attestation embedded in the PROV-JSON document" });
  } else {
    digest = sha256Hex(fileText);
  }
  if (options.attestation) {
    try {
      signed = JSON.parse(options.attestation) as SignedStatement<ExportStatement>;
      findings.push({ ok: true, message: "read the attestation file" });
    } catch (error) {
      findings.push({ ok: false, message: `the attestation file is not JSON: ${(error as Error).message}` });
      return { ok: false, kind: null, statement: null, findings };
    }
  }
  if (!signed || !isRecord(signed.statement) || signed.statement.type !== "threadline/export") {
    findings.push({ ok: false, message: "no Threadline export attestation found (NDJSON exports need --attestation <file>)" });
    return { ok: false, kind: null, statement: null, findings };
  }
  const statement = signed.statement;
  const head = statement.head ? `event #${statement.head.seq}, chain hash ${statement.head.hash}` : "an empty log";
  findings.push({ ok: true, message: `export of ${statement.view.nodeId} (depth ${statement.view.depth}) taken at ${head}` });

  const isContentOk = digest === statement.sha256;
  findings.push({
    ok: isContentOk,
    message: isContentOk ? `content sha256 ${digest} matches the attestation` : `content sha256 ${digest} does NOT match the attested ${statement.sha256}: the file was changed`,
  });

  let isSignatureOk = false;
  if (!signed.signature) {
    findings.push({ ok: false, message: "the attestation is not signed" });
  } else {
    const key = options.publicKeyPem ?? signed.publicKey;
    if (!key) {
      findings.push({ ok: false, message: "no public key: pass --public-key <file> (GET /api/v1/audit/public-key)" });
    } else {
      const check = verifyStatement(signed, key);
      isSignatureOk = check.ok;
      findings.push(
        check.ok
          ? {
              ok: true,
              message: `Ed25519 signature valid for key ${check.keyId}${options.publicKeyPem ? "" : " (the key embedded in the file: compare this key id with the one the server publishes)"}`,
            }
          : { ok: false, message: `signature check failed: ${check.reason}` },
      );
      if (check.ok && statement.keyId && statement.keyId !== check.keyId) {
        isSignatureOk = false;
        findings.push({ ok: false, message: `the statement names key ${statement.keyId}, not ${check.keyId}` });
      }
    }
  }
  return { ok: isContentOk && isSignatureOk, kind: statement.kind, statement, findings };
}
