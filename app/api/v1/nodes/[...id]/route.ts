import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { markDetailSignature } from "@/lib/server/signers";
import { toErrorResponse } from "@/lib/server/errors";
import { getNodeDetail, getNodeDetailPage } from "@/lib/server/nodes";
import { readNodeAt, resolveViewPoint, storeAt } from "@/lib/server/views";
import { inTurn } from "@/lib/server/read-guard";
import { idFromRouteParam } from "@/lib/lineage/node-id";
import { NodeDetailQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/nodes/<id>[?asOf=][&list=<name>&cursor=<c>&limit=<n>] — everything about one node (the
// first page of each list, with totals), now or as of an event, or one further page of one list
// (ids contain ':' and '/', hence the catch-all)
export async function GET(request: Request, { params }: { params: Promise<{ id: string[] }> }) {
  try {
    await requireReader(request, getStore());
    const { asOf, list, cursor, limit } = NodeDetailQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const { id } = await params;
    const db = getStore();
    const point = await resolveViewPoint(db, asOf);
    const key = idFromRouteParam(id);
    // Heavy for a wide node (or an as-of replay): in turn with the other heavy reads, so cheap
    // requests slip in between.
    if (list) return Response.json(await readNodeAt(db, key, point, () => inTurn(async () => getNodeDetailPage(await storeAt(db, point), key, list, cursor ?? null, limit))));
    const detail = await readNodeAt(db, key, point, () => inTurn(async () => getNodeDetail(await storeAt(db, point), key)));
    // The signature is checked against the registered keys as they are now, whatever the point.
    await markDetailSignature(getStore(), detail);
    return Response.json({ ...detail, point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
