import { verifyStore } from "@/lib/server/audit";
import { getSqlite } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/verify — recomputes the hash chain and checks the projection against a replay of the log
export async function GET(request: Request) {
  try {
    const flag = new URL(request.url).searchParams.get("projection");
    if (flag !== null && flag !== "true" && flag !== "false") {
      throw new AppError("bad_request", "projection must be true or false.", [{ path: "projection", message: `got ${flag}` }]);
    }
    return Response.json(verifyStore(getSqlite(), { projection: flag !== "false" }), {
      headers: { "Cache-Control": "no-store" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
