import type { Metadata } from "next";
import Link from "next/link";
import "./report.css";
import { buildAuditReport } from "@/lib/server/audit-report";
import { getStore } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { fixedViewAddress, readViewAddress, toSearchParams, viewQueryParams } from "@/lib/schemas/view-query";
import { ViewAddressProblems } from "@/components/view/view-address-problems";
import { VerificationStatus } from "@/components/audit/verification-status";
import { AuditReportView } from "./audit-report-view";
import { AsOfBanner } from "@/components/view/as-of-banner";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";
import { requirePageReader } from "@/lib/server/auth-context";

export const metadata: Metadata = { title: "Audit report" };
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * /report?<view query> — a printable audit report of exactly one view (focus, depth, direction,
 * expansions, as-of point): the graph, each node's transformation, parameters and reasons, its flags
 * and failures, and the verification of the log (head, signature). The browser's "Save as PDF"
 * gives a clean document (report.css). With asOf the report is pinned: it reads the same however
 * the log grows.
 */
export default async function ReportPage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const params = toSearchParams(await searchParams);
  if (!params.get("node") && !params.get("nodeId")) {
    return (
      <div className="tl-report mx-auto w-full max-w-3xl px-6 py-10">
        <EmptyState title="Which view should the report cover?" action={<Link href="/lineage" className={buttonClasses("secondary")}>Open the explorer</Link>}>
          <p>Open a node in the explorer and choose Export → Printable audit report, or add <code className="font-mono">?node=&lt;node id&gt;</code> to this address.</p>
        </EmptyState>
      </div>
    );
  }
  const read = readViewAddress(params);
  if ("problems" in read) {
    const fixed = fixedViewAddress(params);
    return <ViewAddressProblems problems={read.problems} fixedHref={fixed ? `/report?${fixed.toString()}` : undefined} />;
  }
  const query = read.query;
  const nodeId = query.node;

  let report;
  try {
    report = await buildAuditReport(getStore(), query, { verifyOn: getStore() });
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") {
      return (
        <div className="tl-report mx-auto w-full max-w-3xl px-6 py-10">
          {error.details.some((detail) => detail.path === "asOf") ? (
            // Made after the report's point: the message says when it was first recorded.
            <EmptyState title="This node did not exist yet at this point">
              <p className="break-words">{error.message}</p>
            </EmptyState>
          ) : (
            <EmptyState title="This node is not in the store">
              <p>
                Nothing is recorded under <code className="break-all font-mono text-xs">{nodeId}</code>.
              </p>
            </EmptyState>
          )}
        </div>
      );
    }
    throw error;
  }

  const { point } = report;
  // The exports are of this very view, pinned to the event the report is as of.
  const exportQuery = viewQueryParams({ ...query, asOf: String(point.seq) }, "nodeId").toString();
  const { verification } = report;
  return (
    <>
    {point.isAsOf ? (
      <AsOfBanner
        point={point}
        back={
          <Link href={`/report?${viewQueryParams({ ...query, asOf: undefined }).toString()}`} className="font-medium text-accent underline-offset-2 hover:underline">
            back to now
          </Link>
        }
      />
    ) : null}
    <AuditReportView
      report={report}
      links={{
        explorer: `/lineage?${viewQueryParams(query).toString()}`,
        prov: `/api/v1/export/prov?${exportQuery}&download=1`,
        events: `/api/v1/export/events?${exportQuery}&download=1`,
      }}
      verification={
        verification ? (
          <>
            <VerificationStatus verification={verification} />
            {verification.signedHead?.signature ? (
              <div className="tl-keep rounded-md border border-line bg-surface-muted px-3 py-2 text-xs text-ink" data-testid="report-signature">
                <p className="font-semibold">Signed log head (Ed25519, key {verification.signedHead.statement.keyId})</p>
                <p className="mt-1 break-all font-mono">statement: {JSON.stringify(verification.signedHead.statement)}</p>
                <p className="mt-1 break-all font-mono">signature: {verification.signedHead.signature}</p>
                <p className="mt-1 text-ink-muted">
                  Verify offline: the signature is over the statement&apos;s canonical JSON (sorted keys, no spaces), with the public key from
                  /api/v1/audit/public-key.
                </p>
              </div>
            ) : null}
          </>
        ) : null
      }
    />
    </>
  );
}
