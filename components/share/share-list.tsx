"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ShareSummary } from "@/lib/schemas/share";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";
import { sendJson } from "@/components/api-client";

const STATUS_TONE: Record<ShareSummary["status"], BadgeTone> = { active: "success", expired: "neutral", revoked: "danger" };

/** The owner's list of share links, with revocation. */
export function ShareList({ shares }: { shares: ShareSummary[] }) {
  const router = useRouter();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function revoke(share: ShareSummary) {
    if (!window.confirm("Revoke this link? Whoever holds it will see nothing from now on. This cannot be undone.")) return;
    setBusyId(share.id);
    setError(null);
    try {
      await sendJson("DELETE", `/api/v1/shares/${encodeURIComponent(share.id)}`);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not revoke the link.");
    } finally {
      setBusyId(null);
    }
  }

  if (shares.length === 0) {
    return (
      <Card>
        <EmptyState title="No shared links yet" action={<Link href="/lineage" className={buttonClasses("secondary")}>Open the explorer</Link>}>
          <p>Open a view in the explorer and press Share to freeze it into a link.</p>
        </EmptyState>
      </Card>
    );
  }

  return (
    <Card className="overflow-x-auto">
      {error ? (
        <p role="alert" className="border-b border-line bg-danger-soft px-4 py-2 text-sm text-danger">
          {error}
        </p>
      ) : null}
      <table className="w-full text-left text-sm" data-testid="share-list">
        <thead className="border-b border-line text-xs uppercase tracking-wide text-ink-faint">
          <tr>
            <th className="px-4 py-2 font-medium">View</th>
            <th className="px-4 py-2 font-medium">Note</th>
            <th className="px-4 py-2 font-medium">As of</th>
            <th className="px-4 py-2 font-medium">Created</th>
            <th className="px-4 py-2 font-medium">Expires</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {shares.map((share) => (
            <tr key={share.id} data-testid="share-row" data-share-id={share.id} className="align-top">
              <td className="max-w-[18rem] px-4 py-2.5">
                <Link href={lineageHref(share.focusId)} className="break-all font-medium text-ink hover:text-accent" title="Open the live view of this node">
                  {share.focusId}
                </Link>
                <div className="text-xs text-ink-muted">
                  {share.viewKind} · {share.nodeCount} nodes
                </div>
              </td>
              <td className="max-w-[16rem] whitespace-pre-wrap break-words px-4 py-2.5 text-ink-muted">{share.note ?? "—"}</td>
              <td className="px-4 py-2.5">
                <span className="tabular-nums">#{share.head.seq}</span>
                <div className="font-mono text-xs text-ink-faint" title={share.head.hash}>
                  {share.head.hash.slice(0, 10)}…
                </div>
              </td>
              <td className="whitespace-nowrap px-4 py-2.5 text-ink-muted">
                {formatDateTime(share.createdAt)}
                <div className="text-xs">by {share.createdBy}</div>
              </td>
              <td className="whitespace-nowrap px-4 py-2.5 text-ink-muted">{share.expiresAt ? formatDateTime(share.expiresAt) : "never"}</td>
              <td className="whitespace-nowrap px-4 py-2.5">
                <Badge tone={STATUS_TONE[share.status]}>{share.status}</Badge>
                {share.revokedAt ? <div className="mt-0.5 text-xs text-ink-muted">by {share.revokedBy}</div> : null}
              </td>
              <td className="px-4 py-2.5 text-right">
                {share.status !== "revoked" ? (
                  <Button size="sm" variant="secondary" onClick={() => revoke(share)} disabled={busyId === share.id} data-testid="share-revoke">
                    {busyId === share.id ? "Revoking…" : "Revoke"}
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
