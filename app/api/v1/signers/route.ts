import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { listSigners, registerSigner, requireSignerManager } from "@/lib/server/signers";
import { SignerCreateSchema } from "@/lib/schemas/provenance";

export const dynamic = "force-dynamic";

// POST /api/v1/signers — register a producer's Ed25519 public key (201; the same key again: 200 with the existing entry)
export async function POST(request: Request) {
  try {
    const store = getStore();
    const principal = await requireSignerManager(request, store);
    const input = SignerCreateSchema.parse(await readJsonBody(request));
    const { signer, created } = await registerSigner(store, input, principal);
    return Response.json(signer, { status: created ? 201 : 200 });
  } catch (error) {
    return toErrorResponse(error);
  }
}

// GET /api/v1/signers — every registered producer key, revoked ones included
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    return Response.json({ signers: await listSigners(getStore()) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
