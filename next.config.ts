import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, HSTS_HEADER, STATIC_SECURITY_HEADERS } from "./lib/security-headers";

const nextConfig: NextConfig = {
  // Native addon: loaded by Node at run time, never bundled.
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  // unauthorized(): with private reads a page answers 401 with app/unauthorized.tsx until someone signs in.
  experimental: { authInterrupts: true },
  // The dev server refuses its own scripts to other hosts; Playwright browses 127.0.0.1.
  allowedDevOrigins: ["127.0.0.1"],
  // Security headers on every response; pages get their nonce-based CSP from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS_HEADER] },
    ];
  },
};

export default nextConfig;
