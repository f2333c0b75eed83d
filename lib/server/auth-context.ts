import "server-only";
import { cookies } from "next/headers";
import type { Queryable } from "./store/types";
import { getAuthMode, type Principal } from "./auth";
import { findSessionUser, SESSION_COOKIE } from "./session";
import type { SessionInfo } from "@/lib/schemas/auth";

/**
 * The signed-in person as Server Components see them (from the session cookie). Reading cookies
 * makes a page dynamic, which the nonce-based CSP needs anyway (see proxy.ts).
 */

export async function getSessionPrincipal(store: Queryable): Promise<(Principal & { kind: "user" }) | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value ?? null;
  const user = await findSessionUser(store, token);
  if (!user) return null;
  return {
    kind: "user",
    sender: `user:${user.username}`,
    userId: user.id,
    username: user.username,
    role: user.role,
    isAdmin: user.role === "admin",
    sessionHash: user.tokenHash,
  };
}

/** The mode and the person, for the header. */
export async function getViewer(store: Queryable): Promise<SessionInfo> {
  const principal = await getSessionPrincipal(store);
  return {
    isProtected: (await getAuthMode(store)).isProtected,
    user: principal ? { username: principal.username, role: principal.role } : null,
  };
}
