import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { lookupDigest, lookupWatermark } from "@/lib/server/provenance";
import { ProvenanceQuerySchema } from "@/lib/schemas/provenance";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/provenance?digest=sha256:<hex> | ?watermark=<scheme>:<payload> — where an artefact came from
export async function GET(request: Request) {
  try {
    // Private reads first: an anonymous reader learns nothing, not even which parameter is wrong.
    await requireReader(request, getStore());
    const { digest, watermark } = ProvenanceQuerySchema.parse(queryOf(request));
    const answer = digest ? await lookupDigest(getStore(), digest) : await lookupWatermark(getStore(), watermark!);
    return Response.json(answer);
  } catch (error) {
    return toErrorResponse(error);
  }
}
