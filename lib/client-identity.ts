/**
 * Who a request is from, for per-client limits. Pure (no imports): proxy.ts and lib/server share it.
 */

/**
 * The client's address. `trustedProxies` (THREADLINE_TRUSTED_PROXIES) is how many proxies in front
 * of Threadline each append the address they saw to X-Forwarded-For: the entry that many from the
 * end is what the outermost of them saw, and the entries before it are whatever the client claimed,
 * so they are never used. Next does not append the socket's address; it only fills the header with
 * it when the request carries none, so with no proxy (0) the last entry is the socket's address
 * unless a client talking to Next directly sent the header itself, which nothing here can detect.
 * That is why per-address limits are backed by per-user and global ones; behind proxies, set the
 * count and the address cannot be forged. A request with fewer entries than proxies (one that went
 * round them) is keyed on its first entry.
 */
export function clientAddress(request: Request, trustedProxies = 0): string {
  const entries = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const address = entries.at(-Math.max(1, trustedProxies)) ?? entries[0];
  return (address ?? "unknown").slice(0, 64);
}

/** The credential a request carries (an API key, a session cookie), else its address. */
export function readerKey(request: Request, trustedProxies = 0): string {
  const bearer = /^Bearer\s+(\S+)/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer) return `key:${bearer.slice(0, 80)}`;
  const session = /(?:^|;\s*)threadline_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
  if (session) return `session:${session.slice(0, 80)}`;
  return `ip:${clientAddress(request, trustedProxies)}`;
}
