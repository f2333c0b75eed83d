import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildEventsExport, checkExportSize, eventsExportResponse, parseExportQuery } from "@/lib/server/export";
import { withExpensiveRead } from "@/lib/server/read-guard";

export const dynamic = "force-dynamic";

// GET /api/v1/export/events — the OpenLineage events behind a view as NDJSON (re-importable); ?attestation=1 for its attestation
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const url = new URL(request.url);
    const query = parseExportQuery(url);
    // Bounded: one per client, a few at once (lib/server/read-guard.ts).
    const built = await withExpensiveRead(request, async () => {
      const built = await buildEventsExport(getStore(), query);
      checkExportSize(built.body);
      return built;
    });
    return eventsExportResponse(built, query.node, url);
  } catch (error) {
    return toErrorResponse(error);
  }
}
