"use client";

import Link from "next/link";
import type { ShareSummary } from "@/lib/schemas/share";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorMessage } from "@/components/ui/error-message";
import { DoneBy, RecordTable, type RecordColumn } from "@/components/ui/record-table";
import { RevokeButton } from "@/components/ui/revoke-button";
import { formatDateTime } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";
import { sendJson } from "@/components/api-client";
import { useServerWrite } from "@/components/use-server-write";

const STATUS_TONE: Record<ShareSummary["status"], BadgeTone> = { active: "success", expired: "neutral", revoked: "danger" };

/** The owner's list of share links, with revocation. */
export function ShareList({ shares }: { shares: ShareSummary[] }) {
  const { error, run } = useServerWrite();

  if (shares.length === 0) {
    return (
      <Card>
        <EmptyState title="No shared links yet" action={<Link href="/lineage" className={buttonClasses("secondary")}>Open the explorer</Link>}>
          <p>Open a view in the explorer and press Share to freeze it into a link.</p>
        </EmptyState>
      </Card>
    );
  }

  const columns: RecordColumn<ShareSummary>[] = [
    {
      header: "View",
      className: "max-w-[18rem]",
      cell: (share) => (
        <>
          <Link href={lineageHref(share.focusId)} className="break-all font-medium text-ink hover:text-accent" title="Open the live view of this node">
            {share.focusId}
          </Link>
          <div className="text-xs text-ink-muted">
            {share.viewKind} · {share.nodeCount} nodes
          </div>
        </>
      ),
    },
    { header: "Note", className: "max-w-[16rem] whitespace-pre-wrap break-words text-ink-muted", cell: (share) => share.note ?? "—" },
    {
      header: "As of",
      cell: (share) => (
        <>
          <span className="tabular-nums">#{share.head.seq}</span>
          <div className="font-mono text-xs text-ink-faint" title={share.head.hash}>
            {share.head.hash.slice(0, 10)}…
          </div>
        </>
      ),
    },
    { header: "Created", className: "whitespace-nowrap text-ink-muted", cell: (share) => <DoneBy at={share.createdAt} by={share.createdBy} /> },
    { header: "Expires", className: "whitespace-nowrap text-ink-muted", cell: (share) => (share.expiresAt ? formatDateTime(share.expiresAt) : "never") },
    {
      header: "Status",
      className: "whitespace-nowrap",
      cell: (share) => (
        <>
          <Badge tone={STATUS_TONE[share.status]}>{share.status}</Badge>
          {share.revokedAt ? <div className="mt-0.5 text-xs text-ink-muted">by {share.revokedBy}</div> : null}
        </>
      ),
    },
    {
      className: "text-right",
      cell: (share) =>
        share.status === "revoked" ? null : (
          <RevokeButton
            question="Revoke this link? Whoever holds it will see nothing from now on. This cannot be undone."
            onRevoke={() => run(() => sendJson("DELETE", `/api/v1/shares/${encodeURIComponent(share.id)}`))}
            testId="share-revoke"
          />
        ),
    },
  ];

  return (
    <Card className="overflow-x-auto">
      {error ? <ErrorMessage className="rounded-none border-b border-line px-4">{error}</ErrorMessage> : null}
      <RecordTable
        rows={shares}
        columns={columns}
        rowKey={(share) => share.id}
        rowProps={(share) => ({ "data-testid": "share-row", "data-share-id": share.id, className: "align-top" })}
        testId="share-list"
      />
    </Card>
  );
}
