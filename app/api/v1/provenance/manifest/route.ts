import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { buildManifest } from "@/lib/server/manifest";
import { ManifestQuerySchema } from "@/lib/schemas/provenance";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/provenance/manifest?nodeId=<dataset version>[&file=<name>][&download=1] — a signed, C2PA-shaped provenance manifest
export async function GET(request: Request) {
  try {
    // Private reads first: an anonymous reader learns nothing, not even which parameter is wrong.
    await requireReader(request, getStore());
    const { nodeId, file, download } = ManifestQuerySchema.parse(queryOf(request));
    const manifest = await buildManifest(getStore(), nodeId, file);
    const name = `${(file ?? nodeId).replace(/[^\w.-]+/g, "_").slice(-80)}.manifest.json`;
    return new Response(JSON.stringify(manifest, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
        ...(download ? { "Content-Disposition": `attachment; filename="${name}"` } : {}),
      },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
