import type { Metadata } from "next";
import { notFound } from "next/navigation";
import "../../../report/report.css";
import { buildAuditReport } from "@/lib/server/audit-report";
import { getStore } from "@/lib/server/db";
import { getSharedView, openShare, sharedViewQuery } from "@/lib/server/shares";
import { AuditReportView } from "../../../report/audit-report-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Shared audit report", robots: { index: false, follow: false } };

// /share/<token>/report — the printable report of a share's view, pinned to the share's head; links stay inside the share
export default async function SharedReportPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const store = getStore();
  if ((await openShare(store, token)).status !== "active") notFound();
  const { view } = await sharedViewQuery(store, token);
  const { verification, share } = await getSharedView(store, token);
  const report = await buildAuditReport(store, view);
  const files = `/api/v1/shares/${encodeURIComponent(token)}/export`;
  return (
    <AuditReportView
      report={report}
      links={{ explorer: null, prov: `${files}/prov?download=1`, events: `${files}/events?download=1` }}
      verification={
        verification.ok ? (
          <p className="rounded-md border border-success/40 bg-success-soft px-3 py-2 text-sm text-ink" data-testid="share-report-verified">
            The {verification.checked} events up to #{share.head.seq} still recompute to chain hash{" "}
            <code className="break-all font-mono text-xs">{share.head.hash}</code>: nothing in them has changed since this view was shared.
          </p>
        ) : (
          <p role="alert" className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-ink" data-testid="share-report-broken">
            The chain up to #{share.head.seq} no longer verifies: {verification.problem}
          </p>
        )
      }
    />
  );
}
