import { getAuthMode, requireWriter } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getSharedView, revokeShare, SHARE_RESPONSE_HEADERS, shareErrorResponse } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ key: string }> };

// GET /api/v1/shares/<token> — the frozen view behind a link: 404 unknown, 410 revoked or expired
export async function GET(_request: Request, { params }: Context) {
  try {
    const { key } = await params;
    return Response.json(await getSharedView(getStore(), key), { headers: SHARE_RESPONSE_HEADERS });
  } catch (error) {
    return shareErrorResponse(error);
  }
}

// DELETE /api/v1/shares/<id> — revoke a share (recorded, not deleted); its owner or an admin
export async function DELETE(request: Request, { params }: Context) {
  try {
    const { key } = await params;
    const principal = await requireWriter(request, getStore());
    return Response.json({ share: await revokeShare(getStore(), key, principal, (await getAuthMode(getStore())).isProtected) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
