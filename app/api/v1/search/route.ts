import { searchNodes } from "@/lib/server/catalog";
import { toErrorResponse } from "@/lib/server/errors";
import { queryOf, SearchQuerySchema } from "@/lib/schemas/query";
import { getSqlite } from "@/lib/server/db";

export const dynamic = "force-dynamic";

// GET /api/v1/search?q= — datasets and jobs by name and namespace, runs by run id or run name
export async function GET(request: Request) {
  try {
    const { q, limit } = SearchQuerySchema.parse(queryOf(request));
    return Response.json({ results: searchNodes(getSqlite(), q, limit) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
