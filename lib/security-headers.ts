/**
 * The security headers every response carries. Plain data with no imports: next.config.ts (Node,
 * outside the bundler) and proxy.ts both read it, and a unit test checks it.
 *
 * Pages get a nonce-based Content-Security-Policy from proxy.ts: Next 16 reads the nonce from the
 * request's CSP header and puts it on its own inline bootstrap scripts and chunks, so script-src
 * needs no 'unsafe-inline'; 'strict-dynamic' lets those scripts load the rest. Styles keep
 * 'unsafe-inline' because React Flow positions every node with a style attribute (a nonce cannot
 * cover attributes). The layout worker is a same-origin script (worker-src 'self').
 */

export function contentSecurityPolicy(nonce: string, isDev: boolean): string {
  return [
    "default-src 'self'",
    // Development only: React's dev build uses eval for stack reconstruction; HMR uses a websocket.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON answers render nothing: the strictest policy. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Headers that are the same on every response, pages and API alike. */
export const STATIC_SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Never send our URLs (share tokens live in them) to another site.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

/**
 * Strict-Transport-Security, sent only when the request reached us over https (the proxy in front
 * says so with X-Forwarded-Proto; `next start` itself speaks plain http): over plain http a browser
 * ignores it, and sending it from a http-only deployment would lock its users out for a year.
 */
export const HSTS_HEADER = { key: "Strict-Transport-Security", value: "max-age=31536000" } as const;
