import { getSqlite, getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getDatasetFields } from "@/lib/server/column-lineage";
import { sqliteStore } from "@/lib/server/store/sqlite-store";
import { resolveViewPoint, storeAt } from "@/lib/server/views";
import { DatasetFieldsQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/column-lineage/fields?dataset=<id>&dataset=<id>…[&asOf=] — the fields of each dataset (the explorer's columns view)
export async function GET(request: Request) {
  try {
    const params = new URL(request.url).searchParams;
    const { dataset, asOf } = DatasetFieldsQuerySchema.parse({ dataset: params.getAll("dataset"), asOf: params.get("asOf") ?? undefined });
    const point = resolveViewPoint(getSqlite(), asOf);
    const store = point.isAsOf ? sqliteStore(storeAt(getSqlite(), point)) : getStore();
    return Response.json({ datasets: await getDatasetFields(store, [...new Set(dataset)]), point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
