import { getSqlite } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildEventsExport, exportFileName } from "@/lib/server/export";
import { SHARE_RESPONSE_HEADERS, sharedViewQuery } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/export/events — the events behind the shared view (NDJSON) up to its head; ?attestation=1 for its attestation
export async function GET(request: Request, { params }: { params: Promise<{ key: string }> }) {
  try {
    const { key } = await params;
    const db = getSqlite();
    const { view } = sharedViewQuery(db, key);
    const { body, seqs, attestation } = buildEventsExport(db, view);
    const url = new URL(request.url);
    const isDownload = url.searchParams.get("download") === "1";
    if (url.searchParams.get("attestation") === "1") {
      return Response.json(attestation, {
        headers: {
          ...SHARE_RESPONSE_HEADERS,
          ...(isDownload ? { "Content-Disposition": `attachment; filename="${exportFileName(view.node, "ndjson.attestation.json")}"` } : {}),
        },
      });
    }
    const headers: Record<string, string> = {
      ...SHARE_RESPONSE_HEADERS,
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Threadline-Head-Seq": String(attestation.statement.view.asOf),
      "Threadline-Event-Count": String(seqs.length),
      "Threadline-Content-Sha256": attestation.statement.sha256,
    };
    if (isDownload) headers["Content-Disposition"] = `attachment; filename="${exportFileName(view.node, "ndjson")}"`;
    return new Response(body, { headers });
  } catch (error) {
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(SHARE_RESPONSE_HEADERS)) response.headers.set(name, value);
    return response;
  }
}
