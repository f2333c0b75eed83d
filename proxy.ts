import { NextResponse, type NextRequest } from "next/server";
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, STATIC_SECURITY_HEADERS } from "./lib/security-headers";
import { isSharePage, SHARE_PAGE_HEADER } from "./lib/share-page";
import { getConfig } from "./lib/config";
import { TokenBucketLimiter } from "./lib/token-bucket";
import { readerKey } from "./lib/client-identity";

/**
 * Runs before every page and every API path but ingest: a malformed percent-escape in the path is
 * answered here with the API's 400 (Next's router would fail on it before any route runs and answer
 * a bare 500); pages get a fresh nonce per request for the Content-Security-Policy, passed to Next on
 * the request (it stamps its scripts with it) and sent to the browser on the response. Static
 * security headers come from next.config.ts. Not on the ingest paths: proxy buffers request bodies
 * (10 MB by default) and ingest accepts more; API answers get their own strict policy from
 * next.config.ts.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (!isValidlyEncoded(pathname)) return malformedPath();
  if (pathname.startsWith("/api/")) return limitReads(request) ?? NextResponse.next();
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // A share link's pages stand alone (app/layout.tsx): no app navigation, live search or live badge.
  // Set here, never taken from the client: the incoming header is always replaced.
  requestHeaders.set(SHARE_PAGE_HEADER, isSharePage(pathname) ? "1" : "0");
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (pathname.startsWith("/share/")) {
    // A share link is for its holder: keep it out of search engines (the page itself is dynamic,
    // so Next already sends no-store).
    response.headers.set("X-Robots-Tag", "noindex");
  }
  return response;
}

let readLimiter: TokenBucketLimiter | null = null;

/**
 * The per-client read rate limit (THREADLINE_READ_RATE_LIMIT_PER_SECOND, burst
 * THREADLINE_READ_RATE_LIMIT_BURST): one token bucket per API key or session, else per address (the
 * X-Forwarded-For entry THREADLINE_TRUSTED_PROXIES from the end, lib/client-identity.ts). Checked here, before any route runs, so a flood of reads costs a map
 * lookup each. Writes have their own limit per sender (lib/server/rate-limit.ts).
 */
function limitReads(request: NextRequest): NextResponse | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const config = getConfig();
  readLimiter ??= new TokenBucketLimiter({ ratePerSecond: config.THREADLINE_READ_RATE_LIMIT_PER_SECOND, burst: config.THREADLINE_READ_RATE_LIMIT_BURST });
  if (!readLimiter.isEnabled) return null;
  const decision = readLimiter.take(readerKey(request, config.THREADLINE_TRUSTED_PROXIES));
  if (decision.isAllowed) return null;
  const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const response = apiError(429, "rate_limited", `Too many reads: the limit is ${config.THREADLINE_READ_RATE_LIMIT_PER_SECOND} per second per client (bursts up to ${config.THREADLINE_READ_RATE_LIMIT_BURST}). Retry after ${retryAfter} s.`);
  response.headers.set("Retry-After", String(retryAfter));
  return response;
}

function isValidlyEncoded(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function malformedPath() {
  return apiError(400, "bad_request", "The path is not validly URL-encoded.", [{ path: "path", message: "malformed percent-encoding" }]);
}

/** An answer in the API's error shape, with every security header (a response made here skips next.config's). */
function apiError(status: number, code: string, message: string, details: { path: string; message: string }[] = []) {
  const response = NextResponse.json({ error: { code, message, details } }, { status });
  for (const { key, value } of STATIC_SECURITY_HEADERS) response.headers.set(key, value);
  response.headers.set("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);
  return response;
}

export const config = {
  // Everything but static files and the ingest endpoints (their bodies may exceed proxy's buffer).
  matcher: ["/((?!_next/static/|_next/image|favicon.ico|api/v1/lineage$|api/v1/lineage/batch$).*)"],
};
