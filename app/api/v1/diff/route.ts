import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getDiff } from "@/lib/server/investigate";
import { DiffQuerySchema } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/diff?a=<nodeId>&b=<nodeId> — what differs upstream of a against b (default: the most recent passing output of a's job)
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const query = DiffQuerySchema.parse(queryOf(request));
    return Response.json(await getDiff(getStore(), query.a, query.b));
  } catch (error) {
    return toErrorResponse(error);
  }
}
