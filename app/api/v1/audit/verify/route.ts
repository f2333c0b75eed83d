import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { verifyStoreInSlices } from "@/lib/server/verification";
import { queryOf, VerifyQuerySchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/verify — recomputes the hash chain and checks the projection against a replay of the log
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    // maxAge (seconds): accept a full check that old when other connections wrote since (the header badge).
    const { projection, maxAge } = VerifyQuerySchema.parse(queryOf(request));
    return Response.json(await verifyStoreInSlices(getStore(), { projection, maxAgeMs: maxAge * 1000 }), {
      headers: { "Cache-Control": "no-store" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
