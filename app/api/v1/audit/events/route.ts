import { canSeeSenders, requireReader } from "@/lib/server/auth";
import { listAuditEvents, withoutSenders } from "@/lib/server/audit";
import { getStore } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { AuditQuerySchema, searchParamsToObject } from "@/lib/schemas/audit";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/events — the event log, newest first, filtered and paged by sequence number
export async function GET(request: Request) {
  try {
    const store = getStore();
    const reader = await requireReader(request, store);
    const query = AuditQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    if (await canSeeSenders(reader, store)) return Response.json(await listAuditEvents(store, query));
    // Filtering by sender would tell an anonymous reader who sent what, one guess at a time.
    if (query.sender) throw new AppError("unauthorized", "Sign in to filter the log by sender.", [{ path: "sender", message: "for signed-in readers" }]);
    return Response.json(withoutSenders(await listAuditEvents(store, query)));
  } catch (error) {
    return toErrorResponse(error);
  }
}
