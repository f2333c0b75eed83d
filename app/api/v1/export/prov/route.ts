import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildProvExport, checkExportSize, parseExportQuery, provExportResponse } from "@/lib/server/export";
import { withExpensiveRead, yieldToOthers } from "@/lib/server/read-guard";

export const dynamic = "force-dynamic";

// GET /api/v1/export/prov — W3C PROV-JSON of a neighbourhood's version graph, with its attestation
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const url = new URL(request.url);
    const query = parseExportQuery(url);
    // Bounded: one per client, a few at once (lib/server/read-guard.ts).
    const { text, attestation } = await withExpensiveRead(request, async () => {
      // In phases, with a turn for other requests between them (a 2,000-node export is seconds of CPU on a busy machine).
      const built = await buildProvExport(getStore(), query);
      // Let the requests that queued behind the build run before the serialisation.
      await yieldToOthers();
      const text = `${JSON.stringify(built.document, null, 2)}\n`;
      checkExportSize(text);
      return { text, attestation: built.attestation };
    });
    return provExportResponse(text, { attestation }, query.node, url);
  } catch (error) {
    return toErrorResponse(error);
  }
}
