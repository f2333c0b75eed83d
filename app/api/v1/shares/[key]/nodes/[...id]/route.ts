import { getStore } from "@/lib/server/db";
import { getSharedNode, SHARE_RESPONSE_HEADERS, shareErrorResponse } from "@/lib/server/shares";
import { idFromRouteParam } from "@/lib/lineage/node-id";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/nodes/<id> — one node's details from the snapshot; 404 outside it
export async function GET(_request: Request, { params }: { params: Promise<{ key: string; id: string[] }> }) {
  try {
    const { key, id } = await params;
    return Response.json(await getSharedNode(getStore(), key, idFromRouteParam(id)), { headers: SHARE_RESPONSE_HEADERS });
  } catch (error) {
    return shareErrorResponse(error);
  }
}
