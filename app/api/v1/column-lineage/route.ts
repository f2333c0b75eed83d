import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getColumnLineage } from "@/lib/server/column-lineage";
import { inTurn } from "@/lib/server/read-guard";
import { resolveViewPoint, storeAt } from "@/lib/server/views";
import { queryOf } from "@/lib/schemas/query";
import { ColumnLineageQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/column-lineage?nodeId=&depth=&withDownstream=&limit=&asOf= — field-level lineage in Marquez's shape
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { asOf, ...query } = ColumnLineageQuerySchema.parse(queryOf(request));
    const point = await resolveViewPoint(getStore(), asOf);
    // As of an earlier event: the replayed copy of the store then (see as-of-store.ts).
    const store = await storeAt(getStore(), point);
    const { graph, truncated } = await inTurn(() => getColumnLineage(store, query));
    return Response.json({ graph, truncated, point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
