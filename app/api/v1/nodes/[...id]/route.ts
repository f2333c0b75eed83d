import { toErrorResponse } from "@/lib/server/errors";
import { getNodeDetail } from "@/lib/server/nodes";

export const dynamic = "force-dynamic";

// GET /api/v1/nodes/<id> — everything about one node (ids contain ':' and '/', hence the catch-all)
export async function GET(_request: Request, { params }: { params: Promise<{ id: string[] }> }) {
  try {
    const { id } = await params;
    const key = id.map((segment) => safeDecode(segment)).join("/");
    return Response.json(await getNodeDetail(key));
  } catch (error) {
    return toErrorResponse(error);
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
