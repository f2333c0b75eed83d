import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getNodeFlags } from "@/lib/server/flags";
import { resolveAsOf } from "@/lib/server/investigate-asof";
import { NodeQuerySchema } from "@/lib/schemas/investigate";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/flags?nodeId=<id>&asOf=<seq|ISO time> — flags on a node and those it inherits from upstream
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const { nodeId } = NodeQuerySchema.parse({ nodeId: url.searchParams.get("nodeId") ?? undefined });
    const db = getSqlite();
    return Response.json(getNodeFlags(db, nodeId, resolveAsOf(db, url.searchParams.get("asOf"))?.seq));
  } catch (error) {
    return toErrorResponse(error);
  }
}
