import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getDiff } from "@/lib/server/investigate";
import { DiffQuerySchema } from "@/lib/schemas/investigate";

export const dynamic = "force-dynamic";

// GET /api/v1/diff?a=<nodeId>&b=<nodeId> — what differs upstream of a against b (default: the most recent passing output of a's job)
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const query = DiffQuerySchema.parse({ a: url.searchParams.get("a") ?? undefined, b: url.searchParams.get("b") || undefined });
    return Response.json(getDiff(getSqlite(), query.a, query.b));
  } catch (error) {
    return toErrorResponse(error);
  }
}
