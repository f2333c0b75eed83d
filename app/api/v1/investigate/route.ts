import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getInvestigation } from "@/lib/server/investigate";
import { resolveAsOf } from "@/lib/server/investigate-asof";
import { InvestigateQuerySchema } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate?node=<version or run>&compare=<node>&asOf=<seq|ISO time> — everything the investigate view shows
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { node, compare, asOf } = InvestigateQuerySchema.parse(queryOf(request));
    const db = getStore();
    const investigation = await getInvestigation(db, node, { compare, asOf: await resolveAsOf(db, asOf ?? null) });
    return Response.json(investigation);
  } catch (error) {
    return toErrorResponse(error);
  }
}
