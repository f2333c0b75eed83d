import { verifyStoreInSlices } from "@/lib/server/audit";
import { getSqlite } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { intParam } from "@/lib/server/http";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/verify — recomputes the hash chain and checks the projection against a replay of the log
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const flag = url.searchParams.get("projection");
    if (flag !== null && flag !== "true" && flag !== "false") {
      throw new AppError("bad_request", "projection must be true or false.", [{ path: "projection", message: `got ${flag}` }]);
    }
    // maxAge (seconds): accept a full check that old when other connections wrote since (the header badge).
    const maxAgeMs = intParam(url, "maxAge", 0, 0, 3600) * 1000;
    return Response.json(await verifyStoreInSlices(getSqlite(), { projection: flag !== "false", maxAgeMs }), {
      headers: { "Cache-Control": "no-store" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
