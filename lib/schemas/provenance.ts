import { z } from "zod";
import { normaliseDigest, parseWatermark } from "@/lib/lineage/provenance";

/** Input schemas of the provenance routes (lookups, manifests, signers). */

const DIGEST_FORM = "expected sha256:<64 hex digits>";

/** A digest as a lookup takes it, normalised to sha256:<64 lowercase hex>. */
export const DigestSchema = z.string().transform((text, ctx) => {
  const digest = normaliseDigest(text);
  if (!digest) {
    ctx.addIssue({ code: "custom", message: DIGEST_FORM });
    return z.NEVER;
  }
  return digest;
});

/** GET /api/v1/provenance — exactly one of ?digest= and ?watermark=<scheme>:<payload>. */
export const ProvenanceQuerySchema = z
  .object({
    digest: DigestSchema.optional(),
    watermark: z
      .string()
      .transform((text, ctx) => {
        const ref = parseWatermark(text);
        if (!ref) {
          ctx.addIssue({ code: "custom", message: "expected <scheme>:<payload>" });
          return z.NEVER;
        }
        return ref;
      })
      .optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.digest === undefined) === (q.watermark === undefined)) {
      ctx.addIssue({ code: "custom", path: ["digest"], message: "give either digest=sha256:<hex> or watermark=<scheme>:<payload>" });
    }
  });

/** GET /api/v1/provenance/manifest */
export const ManifestQuerySchema = z.object({
  nodeId: z.string().startsWith("datasetVersion:", { error: "must be a dataset version's id (datasetVersion:…)" }),
  file: z.string().min(1).optional(),
  download: z.enum(["0", "1"]).optional().transform((v) => v === "1"),
});

/** POST /api/v1/signers */
export const SignerCreateSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200),
  publicKey: z.string().min(1, "must be an SPKI PEM public key"),
  namespaces: z.array(z.string().min(1)).max(1000).optional(),
});

/**
 * A producer key as the API answers it (GET /api/v1/signers, POST answers) and the producer keys
 * page lists it. Revoked keys stay, with who revoked them and when.
 */
export const SignerSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  publicKey: z.string(),
  /** Namespaces it may sign for; empty: any. */
  namespaces: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type Signer = z.infer<typeof SignerSchema>;

/** POST /api/v1/signers/<keyId>/revoke */
export const SignerKeyParamSchema = z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, { error: "must be a key id (16 hex digits)" }) });
