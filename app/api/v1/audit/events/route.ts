import { listAuditEvents } from "@/lib/server/audit";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { AuditQuerySchema, searchParamsToObject } from "@/lib/schemas/audit";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/events — the event log, newest first, filtered and paged by sequence number
export async function GET(request: Request) {
  try {
    const query = AuditQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    return Response.json(await listAuditEvents(getStore(), query));
  } catch (error) {
    return toErrorResponse(error);
  }
}
