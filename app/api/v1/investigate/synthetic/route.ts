import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getSynthetic } from "@/lib/server/investigate";
import { NodeQuerySchema } from "@/lib/schemas/investigate";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/synthetic?nodeId=<version or dataset> — synthetic share and feedback generation behind it
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const { nodeId } = NodeQuerySchema.parse({ nodeId: url.searchParams.get("nodeId") ?? undefined });
    return Response.json(getSynthetic(getSqlite(), nodeId));
  } catch (error) {
    return toErrorResponse(error);
  }
}
