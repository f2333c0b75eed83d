import { AppError, toErrorResponse } from "@/lib/server/errors";
import { getSigner } from "@/lib/server/signing";
import { PublicKeyQuerySchema, queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/public-key — the Ed25519 public key that signs heads and exports (PEM, or JSON with ?format=json)
export async function GET(request: Request) {
  try {
    const { format } = PublicKeyQuerySchema.parse(queryOf(request));
    const signer = getSigner();
    if (!signer) throw new AppError("not_found", "Signing is not configured: set THREADLINE_SIGNING_KEY.");
    if (format === "json") {
      return Response.json({ algorithm: "Ed25519", keyId: signer.keyId, publicKey: signer.publicKeyPem });
    }
    return new Response(signer.publicKeyPem, {
      headers: { "Content-Type": "application/x-pem-file; charset=utf-8", "Threadline-Key-Id": signer.keyId },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
