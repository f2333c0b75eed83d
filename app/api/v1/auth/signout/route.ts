import { isSameOrigin } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { clearedSessionCookie, deleteSession, isHttps, readCookie, SESSION_COOKIE } from "@/lib/server/session";

export const dynamic = "force-dynamic";

// POST /api/v1/auth/signout — ends the session on the server and clears the cookie
export async function POST(request: Request) {
  try {
    if (!isSameOrigin(request)) throw new AppError("forbidden", "Cross-site sign-out refused.");
    await deleteSession(getStore(), readCookie(request.headers.get("cookie"), SESSION_COOKIE));
    return Response.json({ ok: true }, { headers: { "Set-Cookie": clearedSessionCookie(isHttps(request)), "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
