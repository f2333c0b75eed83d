"use client";

import Link from "next/link";
import { ErrorState } from "@/components/ui/error-state";
import { buttonClasses } from "@/components/ui/button";

// Any page that fails to render on the server (the store busy or unreadable, a bug) shows this
// instead of a blank page: what happened, a retry, and a way home. No stack trace reaches the user.
export default function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto flex w-full max-w-xl flex-col gap-4 p-6">
      <ErrorState
        title="This page could not be loaded"
        message={`The server could not prepare it just now${error.digest ? ` (reference ${error.digest})` : ""}. Retry in a moment; if it keeps failing, the server's log names the cause.`}
        onRetry={reset}
      />
      <Link href="/" className={buttonClasses("secondary")}>
        Back to the overview
      </Link>
    </div>
  );
}
