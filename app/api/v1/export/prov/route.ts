import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildProvExport, exportFileName, parseExportQuery } from "@/lib/server/export";

export const dynamic = "force-dynamic";

// GET /api/v1/export/prov — W3C PROV-JSON of a neighbourhood's version graph, with its attestation
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const query = parseExportQuery(url);
    const { document, attestation } = buildProvExport(getSqlite(), query);
    const headers: Record<string, string> = {
      "Content-Type": "application/json; charset=utf-8",
      "Threadline-Head-Seq": String(attestation.statement.head?.seq ?? 0),
    };
    if (url.searchParams.get("download") === "1") {
      headers["Content-Disposition"] = `attachment; filename="${exportFileName(query.node, "prov.json")}"`;
    }
    return new Response(`${JSON.stringify(document, null, 2)}\n`, { headers });
  } catch (error) {
    return toErrorResponse(error);
  }
}
