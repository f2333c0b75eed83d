"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { buttonClasses } from "@/components/ui/button";
import { safeRedirectPath } from "@/lib/safe-url";

/** "Sign in" that comes back to the page the person asked for (a same-origin path only). */
export function SignInHere() {
  const pathname = usePathname();
  const query = useSearchParams().toString();
  const next = safeRedirectPath(query ? `${pathname}?${query}` : pathname);
  return (
    <Link href={`/signin?next=${encodeURIComponent(next)}`} className={buttonClasses("primary")} data-testid="sign-in-required-link">
      Sign in
    </Link>
  );
}
