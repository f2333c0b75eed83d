"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { SessionInfo } from "@/lib/schemas/auth";
import { Button, buttonClasses } from "@/components/ui/button";
import { sendJson } from "@/components/api-client";

/**
 * The header's account corner: who is signed in (sign out, people and keys for admins, shared links), a
 * "Sign in" link when writes need credentials, or a note that this is an open demo instance.
 */
export function UserMenu({ viewer }: { viewer: SessionInfo }) {
  const router = useRouter();
  const [isBusy, setIsBusy] = useState(false);

  async function signOut() {
    setIsBusy(true);
    try {
      await sendJson("POST", "/api/v1/auth/signout");
    } finally {
      setIsBusy(false);
      router.refresh();
    }
  }

  if (viewer.user) {
    return (
      <div className="flex items-center gap-1" data-testid="user-menu">
        <Link href="/share" className={buttonClasses("ghost", "sm")}>
          Shared links
        </Link>
        {viewer.user.role === "admin" ? (
          <Link href="/admin" className={buttonClasses("ghost", "sm")}>
            People &amp; keys
          </Link>
        ) : null}
        <span className="ml-1 hidden text-xs text-ink-muted sm:inline" data-testid="signed-in-as">
          {viewer.user.username}
        </span>
        <Button size="sm" variant="secondary" onClick={signOut} disabled={isBusy} data-testid="sign-out">
          Sign out
        </Button>
      </div>
    );
  }
  if (viewer.isProtected) {
    return (
      <Link href="/signin" className={buttonClasses("secondary", "sm")} data-testid="sign-in-link">
        Sign in
      </Link>
    );
  }
  return (
    <div className="flex items-center gap-1" data-testid="user-menu">
      <Link href="/share" className={buttonClasses("ghost", "sm")}>
        Shared links
      </Link>
      <span
        className="hidden whitespace-nowrap rounded-full border border-line bg-surface-muted px-2 py-0.5 text-xs text-ink-muted md:inline"
        title="Local demo mode: anyone who can reach this server may write. Set THREADLINE_AUTH=on or create an admin (npm run create-admin) to require credentials."
        data-testid="demo-mode"
      >
        Open demo mode
      </span>
    </div>
  );
}
