import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { intParam } from "@/lib/server/http";
import { getCauses } from "@/lib/server/investigate";
import { NodeQuerySchema } from "@/lib/schemas/investigate";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/causes?nodeId=<dataset or job> — upstream factors ranked by how much more often they sit behind failed outputs
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const { nodeId } = NodeQuerySchema.parse({ nodeId: url.searchParams.get("nodeId") ?? undefined });
    return Response.json(getCauses(getSqlite(), nodeId, intParam(url, "limit", 50, 1, 500)));
  } catch (error) {
    return toErrorResponse(error);
  }
}
