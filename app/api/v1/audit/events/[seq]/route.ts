import { canSeeSenders, requireReader } from "@/lib/server/auth";
import { getAuditEvent, withoutPayload } from "@/lib/server/audit";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { SeqParamSchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/events/<seq> — one record of the log with its canonical payload (sender and payload for readers with credentials)
export async function GET(request: Request, context: { params: Promise<{ seq: string }> }) {
  try {
    const store = getStore();
    const reader = await requireReader(request, store);
    const { seq } = SeqParamSchema.parse(await context.params);
    const event = await getAuditEvent(store, seq);
    return Response.json((await canSeeSenders(reader, store)) ? event : withoutPayload(event));
  } catch (error) {
    return toErrorResponse(error);
  }
}
