import { requireAdmin, requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { verifyStoreInSlices } from "@/lib/server/verification";
import { queryOf, VerifyQuerySchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/verify — the hash chain and the projection checked: the records appended since the last check, or a full pass when one is due
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

// POST /api/v1/audit/verify — a full pass now (the whole chain, and a replay of the projection); admins only, it costs minutes of CPU on a large store
export async function POST(request: Request) {
  try {
    const { projection } = VerifyQuerySchema.parse(queryOf(request));
    const admin = await requireAdmin(request, getStore());
    // Who asked is recorded with the pass, so every server's /audit names them.
    const verification = await verifyStoreInSlices(getStore(), { projection, full: true, requestedBy: admin.sender });
    return Response.json(verification, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
