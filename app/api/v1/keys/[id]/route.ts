import { requireAdmin } from "@/lib/server/auth";
import { revokeApiKey } from "@/lib/server/api-keys";
import { getSqlite } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// DELETE /api/v1/keys/<id> — revoke a key (recorded, the row stays; admin)
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const db = getSqlite();
    const admin = requireAdmin(request, db);
    const { id } = await params;
    const keyId = Number(id);
    if (!Number.isInteger(keyId) || keyId <= 0) throw new AppError("not_found", `There is no API key ${id}.`);
    return Response.json({ key: revokeApiKey(db, keyId, admin.sender) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
