import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { searchNodes, suggestNodes } from "@/lib/server/search";
import { queryOf, SearchQuerySchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/search?q=&type=&limit= — datasets and jobs ranked by how well they match, runs by run id or run name; an empty q suggests where to start
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { q, type, limit } = SearchQuerySchema.parse(queryOf(request));
    if (q.trim() === "") return Response.json({ results: [], suggestions: await suggestNodes(getStore()) });
    return Response.json({ results: await searchNodes(getStore(), q, { type, limit }) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
