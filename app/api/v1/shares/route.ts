import { getAuthMode, requireWriter } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { createShare, listShares } from "@/lib/server/shares";
import { ShareCreateSchema } from "@/lib/schemas/share";

export const dynamic = "force-dynamic";

// POST /api/v1/shares — freeze a view into a share link (the token is in this answer only)
export async function POST(request: Request) {
  try {
    const principal = await requireWriter(request, getStore());
    const input = ShareCreateSchema.parse(await readJsonBody(request));
    const created = await createShare(getStore(), input, principal);
    return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}

// GET /api/v1/shares — the caller's shares (every share for an admin or in local demo mode)
export async function GET(request: Request) {
  try {
    const principal = await requireWriter(request, getStore());
    return Response.json({ shares: await listShares(getStore(), principal, (await getAuthMode(getStore())).isProtected) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
