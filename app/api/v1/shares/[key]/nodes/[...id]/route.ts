import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getSharedNode, SHARE_RESPONSE_HEADERS } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/nodes/<id> — one node's details from the snapshot; 404 outside it
export async function GET(_request: Request, { params }: { params: Promise<{ key: string; id: string[] }> }) {
  try {
    const { key, id } = await params;
    const nodeId = id.map(safeDecode).join("/");
    return Response.json(getSharedNode(getSqlite(), key, nodeId), { headers: SHARE_RESPONSE_HEADERS });
  } catch (error) {
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(SHARE_RESPONSE_HEADERS)) response.headers.set(name, value);
    return response;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
