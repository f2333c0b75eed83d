import { toErrorResponse } from "@/lib/server/errors";
import { getNodeDetail } from "@/lib/server/nodes";
import { idFromRouteParam } from "@/lib/lineage/node-id";

export const dynamic = "force-dynamic";

// GET /api/v1/nodes/<id> — everything about one node (ids contain ':' and '/', hence the catch-all)
export async function GET(_request: Request, { params }: { params: Promise<{ id: string[] }> }) {
  try {
    const { id } = await params;
    return Response.json(await getNodeDetail(idFromRouteParam(id)));
  } catch (error) {
    return toErrorResponse(error);
  }
}
