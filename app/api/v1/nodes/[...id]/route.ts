import { toErrorResponse } from "@/lib/server/errors";
import { getNodeDetail } from "@/lib/server/nodes";

export const dynamic = "force-dynamic";

// GET /api/v1/nodes/<id> — everything about one node (ids contain ':' and '/', hence the catch-all)
export async function GET(_request: Request, { params }: { params: Promise<{ id: string[] }> }) {
  try {
    const { id } = await params;
    // Next hands the segments over already decoded; decoding again would turn a literal "%20" in
    // a name into a space.
    const key = id.join("/");
    return Response.json(await getNodeDetail(key));
  } catch (error) {
    return toErrorResponse(error);
  }
}
