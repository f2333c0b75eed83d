import { requireAdmin } from "@/lib/server/auth";
import { revokeApiKey } from "@/lib/server/api-keys";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { KeyIdParamSchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// DELETE /api/v1/keys/<id> — revoke a key (recorded, the row stays; admin)
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const store = getStore();
    const admin = await requireAdmin(request, store);
    const { id } = KeyIdParamSchema.parse(await params);
    return Response.json({ key: await revokeApiKey(store, id, admin.sender) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
