import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { verifyChain } from "@/lib/server/event-log";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/verify — recomputes the hash chain of the event log
export async function GET() {
  try {
    return Response.json(verifyChain(getSqlite()));
  } catch (error) {
    return toErrorResponse(error);
  }
}
