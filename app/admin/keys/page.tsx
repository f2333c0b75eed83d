import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getAuthMode } from "@/lib/server/auth";
import { getSessionPrincipal } from "@/lib/server/auth-context";
import { listApiKeys } from "@/lib/server/api-keys";
import { getStore } from "@/lib/server/db";
import { ApiKeysManager } from "@/components/admin/api-keys-manager";

export const metadata: Metadata = { title: "API keys" };
export const dynamic = "force-dynamic";

// /admin/keys — create and revoke the API keys machines write with (signed-in admins only)
export default async function ApiKeysPage() {
  const principal = await getSessionPrincipal(getStore());
  if (!principal) redirect("/signin?next=/admin/keys");
  const store = getStore();
  const mode = await getAuthMode(store);

  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-ink">API keys</h1>
      <p className="mt-1 max-w-3xl text-sm text-ink-muted">
        Machines (OpenLineage clients, CI jobs, the ingest of another tool) write with <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>.
        Each event they send records the key&apos;s name as its sender. A key is shown once, when it is created; Threadline keeps only its hash.
      </p>
      <p className="mt-2 text-sm text-ink-muted" data-testid="auth-mode">
        Writes {mode.isProtected ? "need credentials" : "are open to anyone (local demo mode)"}: {mode.reason}.
      </p>
      <div className="mt-6">
        {principal.isAdmin ? (
          <ApiKeysManager initialKeys={await listApiKeys(store)} />
        ) : (
          <p className="text-sm text-danger">Only an admin may manage API keys.</p>
        )}
      </div>
    </div>
  );
}
