/**
 * Who a request is from, for per-client limits. Pure (no imports): proxy.ts and lib/server share it.
 */

/**
 * The client's address: the last X-Forwarded-For entry, which is what the nearest proxy saw (Next
 * fills the header with the socket's address when no proxy set it). A client talking to Next
 * directly can forge it, so per-address limits are backed by per-user and global ones.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  return (forwarded || "unknown").slice(0, 64);
}

/** The credential a request carries (an API key, a session cookie), else its address. */
export function readerKey(request: Request): string {
  const bearer = /^Bearer\s+(\S+)/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer) return `key:${bearer.slice(0, 80)}`;
  const session = /(?:^|;\s*)threadline_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
  if (session) return `session:${session.slice(0, 80)}`;
  return `ip:${clientAddress(request)}`;
}
