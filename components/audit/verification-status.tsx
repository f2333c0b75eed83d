import Link from "next/link";
import type { AuditVerification } from "@/lib/schemas/audit";
import { formatDateTime } from "@/components/format";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "./copy-button";

function ShieldIcon({ isOk }: { isOk: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="shrink-0">
      <path d="M12 3 5 6v5c0 4.5 3 8.5 7 10 4-1.5 7-5.5 7-10V6l-7-3Z" />
      {isOk ? <path d="m9 12 2 2 4-4" /> : <path d="M12 8v5m0 3h.01" />}
    </svg>
  );
}

/** What happened to a projection row, in words, from verifyProjection's reason. */
function describeDifference(reason: string): string {
  if (reason === "row missing") return "is missing: the log says it should exist";
  if (reason === "row not derived from the log") return "exists, but no event in the log explains it";
  return "was changed: it is not what a replay of the log gives";
}

/** When the full pass this answer rests on ran, on which server, and who asked for it. */
function lastFullCheck(fullCheck: AuditVerification["fullCheck"]): string {
  if (!fullCheck) return "";
  const asked = fullCheck.requestedBy ? `asked for by ${fullCheck.requestedBy}` : "due by itself";
  return ` Last full check ${formatDateTime(fullCheck.at)} on server ${fullCheck.by}, ${asked}.`;
}

/**
 * The verification of the log and the projection, for /audit and the report: a green "verified"
 * line with the head, or a red banner that names the first broken record and says what to do.
 */
export function VerificationStatus({ verification, className }: { verification: AuditVerification; className?: string }) {
  const { ok, head, checked, firstBroken, chain, projection, signedHead } = verification;
  if (ok) {
    return (
      <section
        aria-label="Verification"
        className={cn("flex flex-wrap items-start gap-3 rounded-lg border border-success/40 bg-success-soft px-4 py-3 text-sm text-ink", className)}
        data-testid="verified-badge"
      >
        <span className="text-success">
          <ShieldIcon isOk />
        </span>
        <div className="min-w-0 flex-1">
          <p className="font-semibold text-success">Verified</p>
          <p className="text-ink">
            The hash chain of all {checked} events holds
            {projection ? ", and every projection row equals a replay of the log" : " (projection not checked)"}.
          </p>
          {head ? (
            <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-ink-muted">
              <span>
                Head: event <strong className="font-semibold text-ink">#{head.seq}</strong>
              </span>
              <code className="break-all font-mono text-[11px] text-ink" data-testid="head-hash">
                {head.hash}
              </code>
              <CopyButton value={head.hash} label="Copy the head hash" />
            </p>
          ) : null}
          <p className="mt-1 text-xs text-ink-muted">
            <span data-testid="verified-at">
              Checked {formatDateTime(verification.verifiedAt)}.{lastFullCheck(verification.fullCheck)}
            </span>{" "}
            {signedHead?.signature ? (
              <span data-testid="signed-head">
                Head signed with Ed25519 key <code className="font-mono">{signedHead.statement.keyId}</code> (
                <a className="text-accent underline-offset-2 hover:underline" href="/api/v1/audit/head">
                  signed head
                </a>
                ,{" "}
                <a className="text-accent underline-offset-2 hover:underline" href="/api/v1/audit/public-key">
                  public key
                </a>
                ).
              </span>
            ) : (
              <span>This answer carries no signed head.</span>
            )}
          </p>
        </div>
      </section>
    );
  }
  const isChainBroken = !chain.ok;
  const difference = projection?.firstDifference;
  return (
    <section
      role="alert"
      aria-label="Verification failed"
      className={cn("flex flex-wrap items-start gap-3 rounded-lg border border-danger/50 bg-danger-soft px-4 py-3 text-sm text-ink", className)}
      data-testid="broken-chain-banner"
    >
      <span className="text-danger">
        <ShieldIcon isOk={false} />
      </span>
      <div className="min-w-0 flex-1">
        <p className="font-semibold text-danger">
          {isChainBroken ? `Hash chain broken at event #${firstBroken?.seq}` : `Projection tampered: event #${firstBroken?.seq}`}
        </p>
        <p className="mt-0.5">
          {isChainBroken ? (
            <>
              Record <Link href={`/audit?before=${(firstBroken?.seq ?? 0) + 1}`} className="font-semibold underline underline-offset-2">#{firstBroken?.seq}</Link>{" "}
              of the event log was changed after Threadline wrote it: {chain.firstBroken?.reason}. Every record from it on is
              unverified.
            </>
          ) : difference ? (
            <>
              The stored <strong className="font-semibold">{difference.table}</strong> row{" "}
              <code className="break-all font-mono text-xs">{difference.key}</code> {describeDifference(difference.reason)}
              {difference.seq ? (
                <>
                  ; it was created by event{" "}
                  <Link href={`/audit?before=${difference.seq + 1}`} className="font-semibold underline underline-offset-2">
                    #{difference.seq}
                  </Link>
                </>
              ) : null}
              . The log itself verifies: run <code className="font-mono text-xs">npm run rebuild</code> to re-derive the projection.
            </>
          ) : (
            firstBroken?.reason
          )}
        </p>
        <p className="mt-1 text-xs text-ink-muted">
          Checked {formatDateTime(verification.verifiedAt)} · {checked} events checked
          {head ? ` · stored head #${head.seq}` : ""}. Views and exports of this store cannot be trusted until it is restored.
          {lastFullCheck(verification.fullCheck)}
        </p>
      </div>
    </section>
  );
}
