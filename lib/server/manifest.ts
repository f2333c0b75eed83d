import "server-only";
import { sign } from "node:crypto";
import { AppError } from "./errors";
import { describeVersion, type ProvenanceMatch, type VersionRef } from "./provenance";
import { getInstanceSigner } from "./signing";
import { versionSignatures } from "./signers";
import type { Queryable } from "./store/types";
import { TRAINED_ALGORITHMIC_MEDIA, type Manifest, type ManifestClaim, type ManifestDigest, type ManifestIngredient } from "@/lib/lineage/manifest";
import { jcs } from "@/lib/schemas/canonical";

/**
 * Signed provenance manifests (GET /api/v1/provenance/manifest): what a lookup tells about an
 * artefact, as a claim shaped after C2PA's (a `c2pa.created` action with the trained-algorithmic-
 * media source type, the producing run and job as its software agent, ingredients for the models,
 * prompts and inputs), signed Ed25519 over its RFC 8785 canonical JSON with this Threadline's key.
 */

/** A manifest of a whole version lists every file digest, up to this many (else name a file). */
const MAX_DIGESTS = 10_000;

export async function buildManifest(q: Queryable, nodeId: string, file: string | undefined, now = new Date()): Promise<Manifest> {
  const match = await describeVersion(q, nodeId, file);
  if (!match) throw new AppError("not_found", file ? `No file "${file}" in ${nodeId}.` : `No dataset version ${nodeId}.`);
  const digests = await digestsOf(q, match, file);
  const ingredientKeys = [...match.models, ...match.prompts, ...match.inputs].map((r) => r.nodeId);
  const statuses = await versionSignatures(q, ingredientKeys);
  const ingredient = (ref: VersionRef, role: ManifestIngredient["role"]): ManifestIngredient => ({
    title: `${ref.namespace}/${ref.name}@${ref.version}`,
    nodeId: ref.nodeId,
    relationship: "inputTo",
    role,
    version: ref.version,
    digest: ref.contentHash,
    signatureStatus: statuses.get(ref.nodeId)?.status ?? "unsigned",
  });
  const upstream = new Set([...match.models, ...match.prompts].map((r) => r.nodeId));
  const head = await q.get<{ seq: number; hash: string }>(`SELECT "seq", "hash" FROM "Event" ORDER BY "seq" DESC LIMIT 1`);
  const signer = await getInstanceSigner(q);
  const claim: ManifestClaim = {
    claim_generator: "Threadline",
    format: "threadline.provenance-manifest/1",
    instanceID: `urn:threadline:${encodeURIComponent(nodeId)}${file ? `/${encodeURIComponent(file)}` : ""}`,
    title: file ?? `${match.namespace}/${match.name}@${match.version}`,
    issuedAt: now.toISOString(),
    artefact: {
      nodeId: match.nodeId,
      namespace: match.namespace,
      name: match.name,
      version: match.version,
      file: file ?? null,
      digests,
      signatureStatus: match.signature.status,
      signerKeyId: match.signature.signerKeyId,
      watermark: match.watermark,
    },
    assertions: [
      {
        label: "c2pa.actions.v2",
        data: {
          actions: [
            {
              action: "c2pa.created",
              digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
              softwareAgent: match.producedBy ? { name: match.producedBy.jobName, jobId: match.producedBy.jobId } : null,
              when: match.producedBy?.endedAt ?? match.producedBy?.startedAt ?? null,
              parameters: {
                runId: match.producedBy?.runId ?? null,
                runState: match.producedBy?.state ?? null,
                ...Object.fromEntries(match.parameters.map((p) => [p.key, p.value])),
              },
            },
          ],
        },
      },
    ],
    ingredients: [
      ...match.models.map((r) => ingredient(r, "model")),
      ...match.prompts.map((r) => ingredient(r, "prompt")),
      ...match.inputs.filter((r) => !upstream.has(r.nodeId)).map((r) => ingredient(r, "input")),
    ],
    chainHead: head ? { seq: Number(head.seq), hash: head.hash } : null,
  };
  const value = sign(null, Buffer.from(jcs(claim), "utf8"), signer.privateKey).toString("base64");
  return { claim, signature: { alg: "Ed25519", keyId: signer.keyId, publicKey: signer.publicKeyPem, value } };
}

async function digestsOf(q: Queryable, match: ProvenanceMatch, file: string | undefined): Promise<ManifestDigest[]> {
  if (file) {
    const row = await q.get<{ digest: string }>(`SELECT "digest" FROM "ArtefactDigest" WHERE "versionKey" = ? AND "file" = ? ORDER BY "seq" DESC LIMIT 1`, [match.nodeId, file]);
    if (!row) throw new AppError("not_found", `No file "${file}" in ${match.nodeId}.`, [{ path: "file", message: "not one of the version's files" }]);
    return [{ alg: "sha256", hash: row.digest, name: file }];
  }
  const rows = await q.all<{ digest: string; file: string }>(
    `SELECT "digest", "file" FROM "ArtefactDigest" WHERE "versionKey" = ? ORDER BY "file", "digest" LIMIT ?`,
    [match.nodeId, MAX_DIGESTS + 1],
  );
  if (rows.length > MAX_DIGESTS) {
    throw new AppError("view_too_large", `${match.nodeId} has more than ${MAX_DIGESTS} files: ask for one file's manifest with &file=<name>.`, [{ path: "file", message: "required for versions this large" }]);
  }
  return rows.map((r) => (r.file === "" ? { alg: "sha256", hash: r.digest } : { alg: "sha256", hash: r.digest, name: r.file }));
}
