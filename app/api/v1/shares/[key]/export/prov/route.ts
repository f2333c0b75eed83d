import { getStore } from "@/lib/server/db";
import { buildProvExport, provExportResponse } from "@/lib/server/export";
import { SHARE_RESPONSE_HEADERS, shareErrorResponse, sharedViewQuery } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/export/prov — PROV-JSON of the shared view, pinned to the share's head
export async function GET(request: Request, { params }: { params: Promise<{ key: string }> }) {
  try {
    const { key } = await params;
    const db = getStore();
    const { view } = await sharedViewQuery(db, key);
    const built = await buildProvExport(db, view);
    return provExportResponse(`${JSON.stringify(built.document, null, 2)}\n`, built, view.node, new URL(request.url), SHARE_RESPONSE_HEADERS);
  } catch (error) {
    return shareErrorResponse(error);
  }
}
