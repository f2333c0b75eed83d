import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getDatasetFields } from "@/lib/server/column-lineage";
import { resolveViewPoint, storeAt } from "@/lib/server/views";
import { DatasetFieldsQuerySchema } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

// GET /api/v1/column-lineage/fields?dataset=<id>&dataset=<id>…[&asOf=] — the fields of each dataset (the explorer's columns view)
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const params = new URL(request.url).searchParams;
    const { dataset, asOf } = DatasetFieldsQuerySchema.parse({ dataset: params.getAll("dataset"), asOf: params.get("asOf") ?? undefined });
    const point = await resolveViewPoint(getStore(), asOf);
    // As of an earlier event: the replayed copy of the store then (see as-of-store.ts).
    const store = await storeAt(getStore(), point);
    return Response.json({ datasets: await getDatasetFields(store, [...new Set(dataset)]), point });
  } catch (error) {
    return toErrorResponse(error);
  }
}
