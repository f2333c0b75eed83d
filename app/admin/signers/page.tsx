import type { Metadata } from "next";
import { getAuthMode } from "@/lib/server/auth";
import { getSessionPrincipal, requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";
import { listSigners } from "@/lib/server/signers";
import { SignersManager } from "@/components/admin/signers-manager";

export const metadata: Metadata = { title: "Producer keys" };
export const dynamic = "force-dynamic";

// /admin/signers — the producers' Ed25519 keys that artefact signatures are checked against
export default async function SignersPage() {
  const store = getStore();
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(store);
  const mode = await getAuthMode(store);
  const principal = await getSessionPrincipal(store);
  // The existing access rules: open in local demo mode, admins once access control is on.
  const canManage = !mode.isProtected || Boolean(principal?.isAdmin);

  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-ink">Producer keys</h1>
      <p className="mt-1 max-w-3xl text-sm text-ink-muted">
        A producer signs each artefact&apos;s <code className="font-mono text-xs">contentHash</code> with Ed25519 and sends the base64 signature and its key id in the{" "}
        <code className="font-mono text-xs">threadline_provenance</code> facet. Threadline checks it against the keys registered here whenever the artefact is shown, so a
        revocation takes effect at once: <strong>verified</strong>, <strong>invalid</strong>, <strong>unknown signer</strong>, <strong>revoked</strong> or <strong>unsigned</strong>.
      </p>
      {!canManage ? (
        <p className="mt-2 text-sm text-ink-muted" data-testid="signers-read-only">
          Sign in as an admin to register or revoke keys.
        </p>
      ) : null}
      <div className="mt-6">
        <SignersManager initialSigners={await listSigners(store)} canManage={canManage} />
      </div>
    </div>
  );
}
