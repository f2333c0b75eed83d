"use client";

import { useEffect, useState } from "react";
import type { AuditVerification } from "@/lib/schemas/audit";
import { sendJson } from "@/components/api-client";
import { formatDateTime } from "@/components/format";
import { useServerWrite } from "@/components/use-server-write";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

/** Seconds since `since` while it is set, ticking once a second (the check's progress, as far as the page can tell). */
function useElapsedSeconds(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1_000));
}

/** What a finished full check found, in one line. */
function outcomeOf(verification: AuditVerification): string {
  if (verification.ok) return `Verified: the hash chain of all ${verification.checked} events holds and every projection row equals a replay of the log.`;
  const broken = verification.firstBroken;
  return verification.chain.ok
    ? `Projection tampered: event #${broken?.seq}: ${broken?.reason}.`
    : `Hash chain broken at event #${broken?.seq}: ${broken?.reason}.`;
}

/**
 * "Run a full check" on /audit, for admins: asks the server for a full pass now (the whole chain
 * rehashed, the log replayed and compared with the projection; POST /api/v1/audit/verify), shows
 * how long it has been running, then who asked, when, which server ran it and what it found. The
 * page is refreshed after, so the verification banner above shows the same result, as every other
 * server's /audit does (the Verification table).
 */
export function FullCheckButton() {
  const { error, isBusy, run } = useServerWrite();
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [finished, setFinished] = useState<AuditVerification | null>(null);
  const elapsed = useElapsedSeconds(isBusy ? startedAt : null);

  function check() {
    setStartedAt(Date.now());
    setFinished(null);
    // A full pass at a million events takes minutes: wait as long as the server works.
    void run(() => sendJson<AuditVerification>("POST", "/api/v1/audit/verify", undefined, undefined, null), setFinished);
  }

  const full = finished?.fullCheck;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm" data-testid="full-check">
      <Button size="sm" onClick={check} disabled={isBusy} data-testid="full-check-button">
        {isBusy ? "Checking…" : "Run a full check"}
      </Button>
      <p aria-live="polite" className={cn("min-w-0 flex-1 text-ink-muted", finished && !finished.ok && "text-danger")} data-testid="full-check-status">
        {isBusy ? (
          <span data-testid="full-check-progress">
            Rehashing the whole chain and replaying the log into a scratch copy… {elapsed} s so far. Reads and ingest go on meanwhile.
          </span>
        ) : error ? (
          <span role="alert" className="text-danger">
            The full check could not run: {error}
          </span>
        ) : finished ? (
          <span data-testid="full-check-result" data-ok={String(finished.ok)}>
            <strong className="font-semibold">{outcomeOf(finished)}</strong>{" "}
            {full ? `Full check of ${formatDateTime(full.at)}, asked for by ${full.requestedBy ?? "nobody (it was due)"}, run by server ${full.by}.` : null}
          </span>
        ) : (
          "Rehashes every record and replays the whole log now, whatever was checked before."
        )}
      </p>
    </div>
  );
}
