import { requireReader } from "@/lib/server/auth";
import { getStats } from "@/lib/server/catalog";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// GET /api/v1/stats — counts of what the store holds
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    return Response.json(await getStats(getStore()));
  } catch (error) {
    return toErrorResponse(error);
  }
}
