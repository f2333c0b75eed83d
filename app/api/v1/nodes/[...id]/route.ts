import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getNodeDetail } from "@/lib/server/nodes";
import { resolveViewPoint, storeAt } from "@/lib/server/views";
import { idFromRouteParam } from "@/lib/lineage/node-id";
import { NodeQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/nodes/<id>[?asOf=] — everything about one node, now or as of an event (ids contain ':' and '/', hence the catch-all)
export async function GET(request: Request, { params }: { params: Promise<{ id: string[] }> }) {
  try {
    const { asOf } = NodeQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { id } = await params;
    const db = getSqlite();
    const point = resolveViewPoint(db, asOf);
    const detail = getNodeDetail(storeAt(db, point), idFromRouteParam(id));
    return Response.json({ ...detail, point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
