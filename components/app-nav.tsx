"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const links = [
  { href: "/", label: "Overview" },
  { href: "/lineage", label: "Explorer" },
  { href: "/investigate", label: "Investigate" },
  { href: "/audit", label: "Audit log" },
];

/** The header's main navigation; marks the current page for sighted and screen-reader users alike. */
export function AppNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex min-w-0 items-center gap-1 overflow-x-auto">
      {links.map((link) => {
        const isCurrent = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={isCurrent ? "page" : undefined}
            className={cn(
              "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors sm:px-3",
              isCurrent ? "bg-accent-soft text-accent" : "text-ink-muted hover:bg-surface-muted hover:text-ink",
            )}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
