import { getConfig } from "@/lib/config";
import { getAuthMode, resolveCredentials } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import type { SessionInfo } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// GET /api/v1/auth/session — the mode, and who this browser is signed in as
export async function GET(request: Request) {
  try {
    const store = getStore();
    const { principal } = await resolveCredentials(request, store);
    const body: SessionInfo = {
      isProtected: (await getAuthMode(store)).isProtected,
      isReadProtected: getConfig().THREADLINE_READ_AUTH === "on",
      user: principal?.kind === "user" ? { username: principal.username, role: principal.role } : null,
    };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
