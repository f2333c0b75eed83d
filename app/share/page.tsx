import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ANONYMOUS, getAuthMode } from "@/lib/server/auth";
import { getSessionPrincipal, requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";
import { listShares } from "@/lib/server/shares";
import { ShareList } from "@/components/share/share-list";

export const metadata: Metadata = { title: "Shared links" };
export const dynamic = "force-dynamic";

// /share — the links you shared (every link for an admin, or for anyone in local demo mode)
export default async function SharesPage() {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const mode = await getAuthMode(getStore());
  const principal = (await getSessionPrincipal(getStore())) ?? (mode.isProtected ? null : ANONYMOUS);
  if (!principal) redirect("/signin?next=/share");
  const shares = await listShares(getStore(), principal, mode.isProtected);

  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-ink">Shared links</h1>
      <p className="mt-1 max-w-3xl text-sm text-ink-muted">
        Each link opens a frozen, read-only view for anyone who holds it. Revoke a link to make it show nothing from then on; the revocation is recorded. The links
        themselves cannot be shown again: Threadline keeps only a hash of each.
        {!mode.isProtected ? " In local demo mode everyone sees every link." : principal.isAdmin ? " As an admin you see every link." : ""}
      </p>
      <div className="mt-6">
        <ShareList shares={shares} />
      </div>
    </div>
  );
}
