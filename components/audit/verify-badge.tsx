"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import type { AuditVerification } from "@/lib/schemas/audit";
import { fetchJson, isAbortError } from "@/components/api-client";
import { cn } from "@/components/ui/cn";

type BadgeState = { kind: "loading" } | { kind: "ok"; seq: number } | { kind: "broken"; seq: number } | { kind: "error" };

/**
 * The header's trust signal: "Verified #N" when the hash chain and the projection check out, a red
 * "Tampered" when not (both link to /audit, which names the record). Re-checked on navigation; the
 * server follows Threadline's own appends at once and accepts a full check up to ten minutes old
 * for other writes (sessions and shares are written through another connection; a full check of a
 * million-event store is minutes of CPU). /audit itself always checks in full.
 */
export function VerifyBadge() {
  const pathname = usePathname();
  const [state, setState] = useState<BadgeState>({ kind: "loading" });

  useEffect(() => {
    const controller = new AbortController();
    // On /audit the page itself runs the full check: ask for the same one (the server runs one at a
    // time per store, so whichever comes second gets the first's answer) and the two always agree.
    const maxAge = pathname === "/audit" ? 0 : 600;
    // A full check of a large store takes minutes: wait for it rather than time out.
    fetchJson<AuditVerification>(`/api/v1/audit/verify?maxAge=${maxAge}`, controller.signal, null)
      .then((v) => setState(v.ok ? { kind: "ok", seq: v.head?.seq ?? 0 } : { kind: "broken", seq: v.firstBroken?.seq ?? 0 }))
      .catch((error: unknown) => {
        if (!isAbortError(error)) setState({ kind: "error" });
      });
    return () => controller.abort();
  }, [pathname]);

  if (state.kind === "loading" || state.kind === "error") return null;
  const isOk = state.kind === "ok";
  return (
    <Link
      href="/audit"
      className={cn(
        "hidden items-center gap-1.5 whitespace-nowrap rounded-full border px-2.5 py-1 text-xs font-medium sm:inline-flex",
        isOk ? "border-success/40 bg-success-soft text-success" : "border-danger/50 bg-danger-soft text-danger",
      )}
      title={isOk ? `Hash chain and projection verified up to event #${state.seq}` : `Verification failed at event #${state.seq}: open the audit log`}
      data-testid={isOk ? "header-verified" : "header-tampered"}
    >
      <svg viewBox="0 0 24 24" width="13" height="13" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden="true">
        <path d="M12 3 5 6v5c0 4.5 3 8.5 7 10 4-1.5 7-5.5 7-10V6l-7-3Z" />
        {isOk ? <path d="m9 12 2 2 4-4" /> : <path d="M12 8v5m0 3h.01" />}
      </svg>
      {isOk ? `Verified #${state.seq}` : `Tampered at #${state.seq}`}
    </Link>
  );
}
