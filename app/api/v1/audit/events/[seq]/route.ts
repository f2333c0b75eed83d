import { getAuditEvent } from "@/lib/server/audit";
import { getSqlite } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/events/<seq> — one record of the log with its canonical payload
export async function GET(_request: Request, context: { params: Promise<{ seq: string }> }) {
  try {
    const { seq } = await context.params;
    const n = Number(seq);
    if (!/^\d+$/.test(seq) || !Number.isSafeInteger(n)) {
      throw new AppError("bad_request", "The sequence number must be a positive integer.", [{ path: "seq", message: `got ${seq}` }]);
    }
    return Response.json(getAuditEvent(getSqlite(), n));
  } catch (error) {
    return toErrorResponse(error);
  }
}
