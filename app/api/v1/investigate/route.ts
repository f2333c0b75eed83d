import { getSqlite } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { getInvestigation } from "@/lib/server/investigate";
import { resolveAsOf } from "@/lib/server/investigate-asof";

export const dynamic = "force-dynamic";

// GET /api/v1/investigate?node=<version or run>&compare=<node>&asOf=<seq|ISO time> — everything the investigate view shows
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const node = url.searchParams.get("node")?.trim();
    if (!node) throw new AppError("bad_request", "node is required.", [{ path: "node", message: "required" }]);
    const db = getSqlite();
    const investigation = getInvestigation(db, node, {
      compare: url.searchParams.get("compare")?.trim() || undefined,
      asOf: resolveAsOf(db, url.searchParams.get("asOf")),
    });
    return Response.json(investigation);
  } catch (error) {
    return toErrorResponse(error);
  }
}
