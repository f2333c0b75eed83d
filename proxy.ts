import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "./lib/security-headers";

/**
 * Runs before every page: a fresh nonce per request for the Content-Security-Policy, passed to Next
 * on the request (it stamps its scripts with it) and sent to the browser on the response. Static
 * security headers come from next.config.ts. Not for /api: proxy buffers request bodies (10 MB by
 * default) and ingest accepts more; API answers get their own strict policy from next.config.ts.
 */
export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/")) return checkNodePath(request);
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (request.nextUrl.pathname.startsWith("/share/")) {
    // A share link is for its holder: keep it out of search engines (the page itself is dynamic,
    // so Next already sends no-store).
    response.headers.set("X-Robots-Tag", "noindex");
  }
  return response;
}

/**
 * Node ids travel URL-encoded in /api/v1/nodes/<id>. A malformed escape (%E0%A4%A) makes Next's
 * router fail before the route runs and answer a bare 500: refuse it here with the API's error.
 */
function checkNodePath(request: NextRequest) {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return NextResponse.next();
  } catch {
    return NextResponse.json(
      { error: { code: "bad_request", message: "The node id is not validly URL-encoded.", details: [{ path: "id", message: "malformed percent-encoding" }] } },
      { status: 400 },
    );
  }
}

export const config = {
  // GET-only API paths may pass through here; ingest (large bodies) must not.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico).*)", "/api/v1/nodes/:path*"],
};
