import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getSynthetic } from "@/lib/server/investigate";
import { NodeQuerySchema } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/synthetic?nodeId=<version or dataset> — synthetic share and feedback generation behind it
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { nodeId } = NodeQuerySchema.parse(queryOf(request));
    return Response.json(await getSynthetic(getStore(), nodeId));
  } catch (error) {
    return toErrorResponse(error);
  }
}
