import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildProvExport, exportFileName } from "@/lib/server/export";
import { SHARE_RESPONSE_HEADERS, sharedViewQuery } from "@/lib/server/shares";

export const dynamic = "force-dynamic";

// GET /api/v1/shares/<token>/export/prov — PROV-JSON of the shared view, pinned to the share's head
export async function GET(request: Request, { params }: { params: Promise<{ key: string }> }) {
  try {
    const { key } = await params;
    const db = getStore();
    const { view } = await sharedViewQuery(db, key);
    const { document, attestation } = await buildProvExport(db, view);
    const headers: Record<string, string> = {
      ...SHARE_RESPONSE_HEADERS,
      "Content-Type": "application/json; charset=utf-8",
      "Threadline-Head-Seq": String(attestation.statement.head?.seq ?? 0),
    };
    if (new URL(request.url).searchParams.get("download") === "1") {
      headers["Content-Disposition"] = `attachment; filename="${exportFileName(view.node, "prov.json")}"`;
    }
    return new Response(`${JSON.stringify(document, null, 2)}\n`, { headers });
  } catch (error) {
    const response = toErrorResponse(error);
    for (const [name, value] of Object.entries(SHARE_RESPONSE_HEADERS)) response.headers.set(name, value);
    return response;
  }
}
