import { requireAdmin } from "@/lib/server/auth";
import { createApiKey, listApiKeys } from "@/lib/server/api-keys";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { ApiKeyCreateSchema } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// GET /api/v1/keys — every API key, revoked ones too (admin; never the secrets)
export async function GET(request: Request) {
  try {
    const store = getStore();
    await requireAdmin(request, store);
    return Response.json({ keys: await listApiKeys(store) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}

// POST /api/v1/keys — create a named key { name, role? } (role editor unless said); the secret is in this answer only (admin)
export async function POST(request: Request) {
  try {
    const store = getStore();
    const admin = await requireAdmin(request, store);
    const { name, role } = ApiKeyCreateSchema.parse(await readJsonBody(request));
    return Response.json(await createApiKey(store, name, admin.sender, role), { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
