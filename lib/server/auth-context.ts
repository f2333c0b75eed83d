import "server-only";
import { cookies } from "next/headers";
import { unauthorized } from "next/navigation";
import type { Queryable } from "./store/types";
import { getAuthMode, userPrincipal, type Principal } from "./auth";
import { findSessionUser, SESSION_COOKIE } from "./session";
import type { SessionInfo } from "@/lib/schemas/auth";
import { getConfig } from "@/lib/config";

/**
 * The signed-in person as Server Components see them (from the session cookie). Reading cookies
 * makes a page dynamic, which the nonce-based CSP needs anyway (see proxy.ts).
 */

export async function getSessionPrincipal(store: Queryable): Promise<(Principal & { kind: "user" }) | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value ?? null;
  const user = await findSessionUser(store, token);
  return user ? userPrincipal(user) : null;
}

/** The mode and the person, for the header. */
export async function getViewer(store: Queryable): Promise<SessionInfo> {
  const principal = await getSessionPrincipal(store);
  return {
    isProtected: (await getAuthMode(store)).isProtected,
    isReadProtected: getConfig().THREADLINE_READ_AUTH === "on",
    user: principal ? { username: principal.username, role: principal.role } : null,
  };
}

/**
 * The reader of a page. With THREADLINE_READ_AUTH=on a page without a session answers 401 with the
 * sign-in prompt (app/unauthorized.tsx); share pages never call this. Every page calls it itself,
 * not the layout: on a client-side navigation Next renders a page without its layout.
 */
export async function requirePageReader(store: Queryable): Promise<(Principal & { kind: "user" }) | null> {
  const principal = await getSessionPrincipal(store);
  if (!principal && getConfig().THREADLINE_READ_AUTH === "on") unauthorized();
  return principal;
}
