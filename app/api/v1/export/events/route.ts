import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildEventsExport, checkExportSize, exportFileName, parseExportQuery } from "@/lib/server/export";
import { withExpensiveRead } from "@/lib/server/read-guard";

export const dynamic = "force-dynamic";

// GET /api/v1/export/events — the OpenLineage events behind a view as NDJSON (re-importable); ?attestation=1 for its attestation
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const query = parseExportQuery(url);
    // Bounded: one per client, a few at once (lib/server/read-guard.ts).
    const { body, seqs, attestation } = await withExpensiveRead(request, () => {
      const built = buildEventsExport(getSqlite(), query);
      checkExportSize(built.body);
      return built;
    });
    const isDownload = url.searchParams.get("download") === "1";
    if (url.searchParams.get("attestation") === "1") {
      return Response.json(attestation, {
        headers: isDownload
          ? { "Content-Disposition": `attachment; filename="${exportFileName(query.node, "ndjson.attestation.json")}"` }
          : {},
      });
    }
    const headers: Record<string, string> = {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Threadline-Head-Seq": String(attestation.statement.view.asOf),
      "Threadline-Event-Count": String(seqs.length),
      "Threadline-Content-Sha256": attestation.statement.sha256,
    };
    if (isDownload) headers["Content-Disposition"] = `attachment; filename="${exportFileName(query.node, "ndjson")}"`;
    return new Response(body, { headers });
  } catch (error) {
    return toErrorResponse(error);
  }
}
