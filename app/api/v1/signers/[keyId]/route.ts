import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { requireSignerManager, revokeSigner } from "@/lib/server/signers";
import { SignerKeyParamSchema } from "@/lib/schemas/provenance";

export const dynamic = "force-dynamic";

// DELETE /api/v1/signers/<keyId> — revoke a producer key (recorded, the row stays; its signatures read `revoked`)
export async function DELETE(request: Request, { params }: { params: Promise<{ keyId: string }> }) {
  try {
    const store = getStore();
    const principal = await requireSignerManager(request, store);
    const { keyId } = SignerKeyParamSchema.parse(await params);
    return Response.json(await revokeSigner(store, keyId, principal));
  } catch (error) {
    return toErrorResponse(error);
  }
}
