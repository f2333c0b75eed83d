"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";
import { useDismiss } from "@/components/use-dismiss";

const links = [
  { href: "/", label: "Overview" },
  { href: "/catalog", label: "Catalogue" },
  { href: "/lineage", label: "Explorer" },
  { href: "/investigate", label: "Investigate" },
  { href: "/provenance", label: "Provenance" },
  { href: "/audit", label: "Audit log" },
];

function isCurrentPage(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname.startsWith(href);
}

/**
 * The header's main navigation; marks the current page for sighted and screen-reader users alike.
 * From 768 px the links sit in the header and never shrink (the search box gives way instead);
 * below that they collapse into a menu button, so no link is ever covered or scrolled away.
 */
export function AppNav() {
  const pathname = usePathname();
  const [isMenuOpen, setIsMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  // A navigation closes the menu; so does a click outside it or Escape.
  useEffect(() => setIsMenuOpen(false), [pathname]);
  useDismiss(isMenuOpen, [menuRef], () => setIsMenuOpen(false));

  const current = links.find((link) => isCurrentPage(link.href, pathname));

  return (
    <>
      <nav aria-label="Main" className="hidden shrink-0 items-center gap-1 md:flex">
        {links.map((link) => (
          <NavLink key={link.href} href={link.href} label={link.label} isCurrent={link === current} />
        ))}
      </nav>
      <div ref={menuRef} className="relative md:hidden">
        <button
          type="button"
          aria-expanded={isMenuOpen}
          aria-controls="main-menu"
          onClick={() => setIsMenuOpen((open) => !open)}
          className="flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-ink hover:bg-surface-muted"
          data-testid="nav-menu-button"
        >
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M4 7h16M4 12h16M4 17h16" strokeLinecap="round" />
          </svg>
          {current?.label ?? "Menu"}
        </button>
        {isMenuOpen ? (
          <nav
            id="main-menu"
            aria-label="Main"
            className="absolute left-0 top-full z-50 mt-1 flex w-48 flex-col gap-0.5 rounded-lg border border-line bg-surface-raised p-1 shadow-overlay"
          >
            {links.map((link) => (
              <NavLink key={link.href} href={link.href} label={link.label} isCurrent={link === current} />
            ))}
          </nav>
        ) : null}
      </div>
    </>
  );
}

function NavLink({ href, label, isCurrent }: { href: string; label: string; isCurrent: boolean }) {
  return (
    <Link
      href={href}
      aria-current={isCurrent ? "page" : undefined}
      className={cn(
        "whitespace-nowrap rounded-md px-2 py-1.5 text-sm font-medium transition-colors xl:px-3",
        isCurrent ? "bg-accent-soft text-accent" : "text-ink-muted hover:bg-surface-muted hover:text-ink",
      )}
    >
      {label}
    </Link>
  );
}
