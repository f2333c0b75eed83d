import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getInstanceSigner } from "@/lib/server/signing";
import { PublicKeyQuerySchema, queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/public-key — the Ed25519 public key this Threadline signs with (PEM, or { keyId, publicKey } with ?format=json or Accept: application/json)
export async function GET(request: Request) {
  try {
    const { format } = PublicKeyQuerySchema.parse(queryOf(request));
    const signer = await getInstanceSigner(getStore());
    const wantsJson = format === "json" || (new URL(request.url).searchParams.get("format") === null && (request.headers.get("accept") ?? "").includes("application/json"));
    if (wantsJson) {
      return Response.json({ algorithm: "Ed25519", keyId: signer.keyId, publicKey: signer.publicKeyPem });
    }
    return new Response(signer.publicKeyPem, {
      headers: { "Content-Type": "application/x-pem-file; charset=utf-8", "Threadline-Key-Id": signer.keyId },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
