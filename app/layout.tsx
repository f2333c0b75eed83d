import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "@xyflow/react/dist/style.css";
import "./globals.css";
import { AppNav } from "@/components/app-nav";
import { Logo } from "@/components/logo";
import { SearchDialog } from "@/components/search/search-dialog";
import { UserMenu } from "@/components/auth/user-menu";
import { VerifyBadge } from "@/components/audit/verify-badge";
import { getViewer } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";
import { headers } from "next/headers";
import { SHARE_PAGE_HEADER } from "@/lib/share-page";

export const metadata: Metadata = {
  title: { default: "Threadline", template: "%s · Threadline" },
  description: "Lineage explorer for generative-AI and ML pipelines: what made each dataset, model and output, with which parameters, and why it changed.",
  // Files in public/: every page links them, so no browser falls back to a missing /favicon.ico.
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
  manifest: "/manifest.webmanifest",
};

export const viewport: Viewport = {
  colorScheme: "light dark",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reads the session cookie, so every page renders per request: the nonce-based CSP (proxy.ts)
  // needs that, since Next stamps the nonce on its scripts while rendering.
  const viewer = await getViewer(getStore());
  if ((await headers()).get(SHARE_PAGE_HEADER) === "1") return <ShareLayout>{children}</ShareLayout>;
  // Private reads: nothing in the header reads the store (navigation, search, badge) before someone signs in.
  const canRead = !viewer.isReadProtected || viewer.user !== null;
  return (
    <Document
      header={
        <>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2"
          >
            Skip to content
          </a>
          <header className="sticky top-0 z-40 border-b border-line bg-surface/95 backdrop-blur print:hidden">
            <div className="flex h-14 items-center gap-2 px-3 sm:gap-4 sm:px-6">
              <Link href="/" className="flex items-center gap-2 text-ink" aria-label="Threadline home">
                <Logo />
                <span className="hidden text-base font-semibold tracking-tight xl:inline">Threadline</span>
              </Link>
              {canRead ? <AppNav /> : null}
              {/* The search box is what gives way on narrow screens: the navigation never shrinks. */}
              <div className="ml-auto flex min-w-0 flex-1 justify-end xl:max-w-xs">{canRead ? <SearchDialog /> : null}</div>
              {canRead ? <VerifyBadge /> : null}
              <UserMenu viewer={viewer} />
            </div>
          </header>
        </>
      }
    >
      {children}
    </Document>
  );
}

/**
 * A share link's pages stand alone: the holder of a link sees the frozen view and nothing of the
 * live app (no navigation, live search, live verification badge or sign-in), and no link on the
 * page leads out of the snapshot.
 */
function ShareLayout({ children }: { children: ReactNode }) {
  return (
    <Document
      header={
        <header className="flex h-14 items-center gap-2 border-b border-line bg-surface px-3 sm:px-6 print:hidden" data-testid="share-header">
          <Logo />
          <span className="text-base font-semibold tracking-tight text-ink">Threadline</span>
          <span className="text-sm text-ink-muted">· shared lineage view</span>
        </header>
      }
    >
      {children}
    </Document>
  );
}

/** The document both layouts share: their header above the page's main content (the skip link's target). */
function Document({ header, children }: { header: ReactNode; children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-full flex-col">
        {header}
        <main id="main" className="flex min-h-0 flex-1 flex-col">
          {children}
        </main>
      </body>
    </html>
  );
}
