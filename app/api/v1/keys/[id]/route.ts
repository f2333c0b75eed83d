import { requireAdmin } from "@/lib/server/auth";
import { revokeApiKey, setApiKeyRole } from "@/lib/server/api-keys";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { RoleChangeSchema } from "@/lib/schemas/auth";
import { KeyIdParamSchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// PATCH /api/v1/keys/<id> — change a key's role { role } (admin)
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const store = getStore();
    await requireAdmin(request, store);
    const { id } = KeyIdParamSchema.parse(await params);
    const { role } = RoleChangeSchema.parse(await readJsonBody(request, { maxBytes: 1024 }));
    return Response.json({ key: await setApiKeyRole(store, id, role) });
  } catch (error) {
    return toErrorResponse(error);
  }
}

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
