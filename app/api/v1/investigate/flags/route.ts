import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getNodeFlags } from "@/lib/server/flags";
import { resolveAsOf } from "@/lib/server/investigate-asof";
import { NodeQuerySchema } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/flags?nodeId=<id>&asOf=<seq|ISO time> — flags on a node and those it inherits from upstream
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { nodeId, asOf } = NodeQuerySchema.parse(queryOf(request));
    const db = getStore();
    return Response.json(await getNodeFlags(db, nodeId, (await resolveAsOf(db, asOf ?? null))?.seq));
  } catch (error) {
    return toErrorResponse(error);
  }
}
