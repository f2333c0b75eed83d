import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getCauses } from "@/lib/server/investigate";
import { CausesQuerySchema } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate/causes?nodeId=<dataset or job> — upstream factors ranked by how much more often they sit behind failed outputs
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { nodeId, limit } = CausesQuerySchema.parse(queryOf(request));
    return Response.json(await getCauses(getStore(), nodeId, limit));
  } catch (error) {
    return toErrorResponse(error);
  }
}
