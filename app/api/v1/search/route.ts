import { searchNodes } from "@/lib/server/catalog";
import { toErrorResponse } from "@/lib/server/errors";
import { intParam } from "@/lib/server/http";

export const dynamic = "force-dynamic";

// GET /api/v1/search?q= — datasets and jobs ranked by name and namespace match
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const q = (url.searchParams.get("q") ?? "").slice(0, 200);
    return Response.json({ results: searchNodes(q, intParam(url, "limit", 20, 1, 100)) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
