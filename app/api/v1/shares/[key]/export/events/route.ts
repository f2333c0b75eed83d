import { getStore } from "@/lib/server/db";
import { buildEventsExport, eventsExportResponse } from "@/lib/server/export";
import { SHARE_RESPONSE_HEADERS, shareErrorResponse, sharedViewQuery } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/export/events — the events behind the shared view (NDJSON) up to its head; ?attestation=1 for its attestation
export async function GET(request: Request, { params }: { params: Promise<{ key: string }> }) {
  try {
    const { key } = await params;
    const db = getStore();
    const { view } = await sharedViewQuery(db, key);
    return eventsExportResponse(await buildEventsExport(db, view), view.node, new URL(request.url), SHARE_RESPONSE_HEADERS);
  } catch (error) {
    return shareErrorResponse(error);
  }
}
