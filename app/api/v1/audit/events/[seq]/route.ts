import { getAuditEvent } from "@/lib/server/audit";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { SeqParamSchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/events/<seq> — one record of the log with its canonical payload
export async function GET(_request: Request, context: { params: Promise<{ seq: string }> }) {
  try {
    const { seq } = SeqParamSchema.parse(await context.params);
    return Response.json(await getAuditEvent(getStore(), seq));
  } catch (error) {
    return toErrorResponse(error);
  }
}
