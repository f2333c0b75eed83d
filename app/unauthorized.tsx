import { Suspense } from "react";
import { SignInHere } from "@/components/auth/sign-in-here";
import { EmptyState } from "@/components/ui/empty-state";

/**
 * What a page answers (status 401) when THREADLINE_READ_AUTH=on and nobody is signed in: a way to
 * sign in that comes back to this page, and nothing of the store.
 */
export default function Unauthorized() {
  return (
    <div data-testid="sign-in-required">
      <EmptyState
        title="Sign in to read this Threadline"
        action={
          <Suspense fallback={null}>
            <SignInHere />
          </Suspense>
        }
      >
        <p>This lineage store is private: its pages and API need a signed-in person or an API key.</p>
        <p className="mt-1 text-xs text-ink-faint">Holding a share link? It opens without signing in.</p>
      </EmptyState>
    </div>
  );
}
