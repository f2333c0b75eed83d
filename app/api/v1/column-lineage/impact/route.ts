import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getFieldImpact } from "@/lib/server/column-lineage";
import { inTurn } from "@/lib/server/read-guard";
import { resolveViewPoint, storeAt } from "@/lib/server/views";
import { fieldImpactCsv } from "@/lib/lineage/columns";
import { queryOf } from "@/lib/schemas/query";
import { FieldImpactQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/column-lineage/impact?nodeId=<field>[&format=csv] — everything downstream of one field, with hops
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { nodeId, format, limit, asOf } = FieldImpactQuerySchema.parse(queryOf(request));
    const point = await resolveViewPoint(getStore(), asOf);
    // As of an earlier event: the replayed copy of the store then (see as-of-store.ts).
    const store = await storeAt(getStore(), point);
    const impact = await inTurn(() => getFieldImpact(store, nodeId, limit));
    if (format === "csv") {
      const name = nodeId.replace(/^datasetField:/, "").replace(/[^\w.-]+/g, "_").slice(0, 80);
      return new Response(fieldImpactCsv(impact), {
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="impact-${name}.csv"` },
      });
    }
    return Response.json({ ...impact, point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
