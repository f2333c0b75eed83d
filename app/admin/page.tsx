import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getAuthMode } from "@/lib/server/auth";
import { getSessionPrincipal, requirePageReader } from "@/lib/server/auth-context";
import { listApiKeys } from "@/lib/server/api-keys";
import { listUsers } from "@/lib/server/auth-users";
import { getStore } from "@/lib/server/db";
import { ApiKeysManager } from "@/components/admin/api-keys-manager";
import { UsersManager } from "@/components/admin/users-manager";

export const metadata: Metadata = { title: "People and API keys" };
export const dynamic = "force-dynamic";

// /admin — people and API keys with their roles (signed-in admins only)
export default async function AdminPage() {
  const store = getStore();
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(store);
  const principal = await getSessionPrincipal(store);
  if (!principal) redirect("/signin?next=/admin");
  const mode = await getAuthMode(store);

  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-ink">People and API keys</h1>
      <p className="mt-1 max-w-3xl text-sm text-ink-muted">
        People sign in at /signin; machines (OpenLineage clients, CI jobs, the ingest of another tool) send{" "}
        <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>. Each event records who sent it. A key is shown once, when
        it is created; Threadline keeps only its hash. A new role holds from the next request.
      </p>
      <p className="mt-2 text-sm text-ink-muted" data-testid="auth-mode">
        Writes {mode.isProtected ? "need credentials" : "are open to anyone (local demo mode)"}: {mode.reason}.
      </p>
      <p className="mt-2 text-sm text-ink-muted">
        <Link href="/admin/signers" className="text-accent underline-offset-2 hover:underline">
          Producer keys
        </Link>
        : the Ed25519 keys that artefact signatures are checked against.
      </p>
      <div className="mt-6">
        {principal.isAdmin ? (
          <div className="space-y-6">
            <UsersManager users={await listUsers(store)} currentUserId={principal.userId} />
            <ApiKeysManager initialKeys={await listApiKeys(store)} />
          </div>
        ) : (
          <p className="text-sm text-danger" data-testid="admin-only">
            You are signed in as {principal.username} ({principal.role}); only an admin manages people and keys.
          </p>
        )}
      </div>
    </div>
  );
}
