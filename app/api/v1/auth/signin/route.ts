import { isSameOrigin } from "@/lib/server/auth";
import { checkCredentials, ensureBootstrapAdmin } from "@/lib/server/auth-users";
import { getStore } from "@/lib/server/db";
import { getConfig } from "@/lib/config";
import { AppError, toErrorResponse } from "@/lib/server/errors";
import { clientAddress, readJsonBody } from "@/lib/server/http";
import { guardSignIn, SIGN_IN_LIMITS } from "@/lib/server/sign-in-guard";
import { createSession, isHttps, sessionCookie } from "@/lib/server/session";
import { SignInSchema } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// POST /api/v1/auth/signin — username + password; sets the HttpOnly session cookie
export async function POST(request: Request) {
  try {
    // Login CSRF: another site must not sign a browser into an account of its choosing.
    if (request.headers.has("origin") && !isSameOrigin(request)) {
      throw new AppError("forbidden", "Cross-site sign-in refused.");
    }
    const env = getConfig();
    const store = getStore();
    await ensureBootstrapAdmin(store, env.THREADLINE_ADMIN_USER, env.THREADLINE_ADMIN_PASSWORD);
    const { username, password } = SignInSchema.parse(await readJsonBody(request, { maxBytes: SIGN_IN_LIMITS.maxBodyBytes }));
    const user = await guardSignIn(clientAddress(request), username, () => checkCredentials(store, username, password));
    if (!user) throw new AppError("unauthorized", "Wrong username or password.");
    const { token, expiresAt } = await createSession(store, user.id, env.THREADLINE_SESSION_HOURS);
    return Response.json(
      { user: { username: user.username, role: user.role }, expiresAt: expiresAt.toISOString() },
      { headers: { "Set-Cookie": sessionCookie(token, expiresAt, isHttps(request)), "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return toErrorResponse(error);
  }
}
