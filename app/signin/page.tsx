import type { Metadata } from "next";
import Link from "next/link";
import { getSessionPrincipal } from "@/lib/server/auth-context";
import { countUsers, ensureBootstrapAdmin } from "@/lib/server/auth-users";
import { getStore } from "@/lib/server/db";
import { getConfig } from "@/lib/config";
import { safeRedirectPath } from "@/lib/safe-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Only a path on this site: `next` must never send a signed-in person to another one.
  const next = safeRedirectPath((await searchParams).next);
  const env = getConfig();
  const store = getStore();
  await ensureBootstrapAdmin(store, env.THREADLINE_ADMIN_USER, env.THREADLINE_ADMIN_PASSWORD);
  const principal = await getSessionPrincipal(getStore());
  const hasUsers = (await countUsers(store)) > 0;

  return (
    <div className="mx-auto w-full max-w-sm px-4 py-16">
      <Card className="p-6">
        <h1 className="text-lg font-semibold text-ink">Sign in to Threadline</h1>
        {principal ? (
          <div className="mt-3 space-y-4 text-sm text-ink-muted">
            <p>
              You are signed in as <strong className="text-ink">{principal.username}</strong>.
            </p>
            <Link href={next} className={buttonClasses("primary")}>
              Continue
            </Link>
          </div>
        ) : (
          <>
            <p className="mb-5 mt-1 text-sm text-ink-muted">People sign in here; machines send an API key instead.</p>
            {hasUsers ? (
              <SignInForm next={next} />
            ) : (
              <div className="space-y-2 rounded-md bg-surface-muted p-3 text-sm text-ink" data-testid="no-admin">
                <p className="font-medium">No account exists yet.</p>
                <p className="text-ink-muted">
                  Create the first admin on the server with <code className="whitespace-nowrap font-mono text-xs">npm run create-admin -- &lt;username&gt;</code>, or start Threadline with{" "}
                  <code className="font-mono text-xs">THREADLINE_ADMIN_PASSWORD</code> set.
                </p>
              </div>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
