import { getConfig } from "@/lib/config";
import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { digestOfBody, lookupDigest } from "@/lib/server/provenance";

export const dynamic = "force-dynamic";

// POST /api/v1/provenance/lookup — the artefact's bytes as the body (any type), hashed as they stream in, then looked up
export async function POST(request: Request) {
  try {
    // A lookup reads the store: private reads apply, before a byte of the body is read.
    await requireReader(request, getStore());
    const config = getConfig();
    const { digest, size } = await digestOfBody(request, config.THREADLINE_PROVENANCE_MAX_BYTES, config.THREADLINE_BODY_TIMEOUT_MS);
    return Response.json({ ...(await lookupDigest(getStore(), digest)), size });
  } catch (error) {
    return toErrorResponse(error);
  }
}
