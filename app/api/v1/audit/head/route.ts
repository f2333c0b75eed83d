import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getSignedHead } from "@/lib/server/verification";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/head — the log head, signed with the key GET /api/v1/audit/public-key publishes
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    return Response.json(await getSignedHead(getStore()), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
