import Link from "next/link";
import type { ReactNode } from "react";
import { REPORT_DETAIL_LIMIT, type AuditReport, type ReportNode } from "@/lib/server/audit-report";
import { VIEW_DEFAULT_LIMIT } from "@/lib/schemas/view-query";
import { StaticGraph } from "@/components/export/static-graph";
import { PrintButton } from "@/components/export/print-button";
import { Badge, runStateTone } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { formatDateTime, formatDuration } from "@/components/format";

const TYPE_LABEL = { dataset: "Dataset", datasetVersion: "Dataset version", job: "Job", run: "Run" } as const;

export interface AuditReportLinks {
  /** The same view in the explorer (none in a share link, which leads nowhere outside itself). */
  explorer: string | null;
  prov: string;
  events: string;
}

/**
 * The printable audit report of one view (/report, and a share link's /share/<token>/report): the
 * event it is as of, the graph, each node's transformation, parameters, reasons, failures and
 * flags. `verification` is the page's own account of the chain it was read from.
 */
export function AuditReportView({ report, links, verification }: { report: AuditReport; links: AuditReportLinks; verification: ReactNode }) {
  const { graph, point, query } = report;
  const nodeId = query.node;
  const direction = query.direction;
  const focus = graph.nodes.find((n) => n.id === graph.focus);
  const failed = graph.nodes.filter((n) => n.isFailed).length;
  const flagged = graph.nodes.filter((n) => n.isFlagged).length;
  const title = focus ? `${focus.name}${focus.version && focus.type === "datasetVersion" ? `@${focus.version}` : ""}` : nodeId;

  return (
    <article className="tl-report mx-auto w-full max-w-5xl space-y-6 px-6 py-8" data-testid="audit-report">
      <header className="flex flex-wrap items-start justify-between gap-4 border-b border-line pb-4">
        <div className="min-w-0">
          <p className="text-xs font-semibold uppercase tracking-wider text-ink-faint">Threadline · lineage audit report</p>
          <h1 className="mt-1 break-words text-2xl font-semibold text-ink">{title}</h1>
          <p className="mt-1 text-sm text-ink-muted">
            {focus ? TYPE_LABEL[focus.type] : "Node"} <code className="break-all font-mono text-xs">{nodeId}</code>
          </p>
          <p className="mt-1 text-sm text-ink-muted">
            {direction === "both" ? "Upstream and downstream" : direction === "upstream" ? "Upstream" : "Downstream"}, depth {query.depth} ·{" "}
            {graph.nodes.length} nodes, {graph.edges.length} edges
            {failed ? ` · ${failed} failed` : ""}
            {flagged ? ` · ${flagged} flagged` : ""}
            {query.expand.length ? ` · ${query.expand.length} expanded` : ""}
            {graph.truncated ? ` · cut at ${query.limit ?? VIEW_DEFAULT_LIMIT} nodes` : ""} · generated {formatDateTime(report.generatedAt)}
          </p>
          <p className="mt-1 text-sm text-ink" data-testid="report-point">
            {point.isAsOf ? "As of" : "At"} event <strong>#{point.seq}</strong>
            {point.time ? ` · ${formatDateTime(point.time)}` : ""} · chain hash <code className="break-all font-mono text-xs">{point.hash.slice(0, 16)}…</code>
            {point.isAsOf ? " (an as-of view: later events are not in this report)" : ""}
          </p>
        </div>
        <div className="tl-no-print flex flex-wrap gap-2">
          <PrintButton />
          {links.explorer ? (
            <Link href={links.explorer} className={buttonClasses("secondary", "md")}>
              Open in the explorer
            </Link>
          ) : null}
        </div>
      </header>

      <section aria-labelledby="verification-heading" className="space-y-2">
        <h2 id="verification-heading" className="text-base font-semibold text-ink">
          Chain verification
        </h2>
        {verification}
        <p className="text-xs text-ink-muted">
          Machine-readable copies of this view, pinned to the same head:{" "}
          <a className="text-accent underline-offset-2 hover:underline" href={links.prov}>
            PROV-JSON
          </a>{" "}
          and{" "}
          <a className="text-accent underline-offset-2 hover:underline" href={links.events}>
            OpenLineage events
          </a>{" "}
          (check either with <code className="font-mono">npm run verify-export</code>).
        </p>
      </section>

      <section aria-labelledby="graph-heading" className={`tl-graph space-y-2${report.width > report.height * 1.3 ? " tl-graph-landscape" : ""}`}>
        <h2 id="graph-heading" className="text-base font-semibold text-ink">
          Lineage graph
        </h2>
        <div className="overflow-x-auto rounded-lg border border-line bg-white p-2">
          <StaticGraph
            nodes={graph.nodes}
            edges={graph.edges}
            more={graph.more}
            boxes={report.boxes}
            width={report.width}
            height={report.height}
            focusId={graph.focus}
            title={`Lineage graph of ${title}: ${graph.nodes.length} nodes, data flowing left to right`}
          />
        </div>
        <p className="text-xs text-ink-muted">Data flows left to right. The focus has a blue border; failed nodes a red one.</p>
      </section>

      <section aria-labelledby="nodes-heading" className="space-y-4" style={{ breakInside: "auto" }}>
        <h2 id="nodes-heading" className="text-base font-semibold text-ink">
          Nodes: what made them, with which parameters, and why
        </h2>
        {report.nodes.map((entry) => (
          <NodeSection key={entry.node.id} entry={entry} />
        ))}
        {report.nodes.length > REPORT_DETAIL_LIMIT ? (
          <p className="text-xs text-ink-muted">
            Only the first {REPORT_DETAIL_LIMIT} nodes are described in full; narrow the view (depth, direction) for a shorter report.
          </p>
        ) : null}
      </section>
    </article>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] font-medium uppercase tracking-wide text-ink-faint">{label}</dt>
      <dd className="break-words text-sm text-ink">{children}</dd>
    </div>
  );
}

function NodeSection({ entry }: { entry: ReportNode }) {
  const { node, detail, failureReasons, failedChecks, flags } = entry;
  const t = detail?.transformation ?? null;
  const run = t?.run ?? null;
  // A version or run has its own change entry; a dataset or job shows its latest reason, said as such.
  const isInstance = node.type === "datasetVersion" || node.type === "run";
  const change = (isInstance ? detail?.changes.find((c) => c.id === node.id) : detail?.changes.find((c) => c.reason)) ?? null;
  const reason = (isInstance ? (change?.reason ?? run?.reason) : change?.reason) ?? null;
  const author = change?.author ?? run?.author ?? null;
  const activeDirect = flags?.direct.filter((f) => f.isActive) ?? [];
  const inherited = flags?.inherited ?? [];
  return (
    <div className="tl-node rounded-lg border border-line bg-surface px-4 py-3" data-testid="report-node" data-node-id={node.id}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="min-w-0 break-words text-sm font-semibold text-ink">
          {node.name}
          {node.version && node.type === "datasetVersion" ? <span className="font-mono font-normal text-ink-muted">@{node.version}</span> : null}
        </h3>
        <Badge>{TYPE_LABEL[node.type]}</Badge>
        {node.kind ? <Badge tone="info">{node.kind}</Badge> : null}
        {node.state ? <Badge tone={runStateTone(node.state)}>{node.state.toLowerCase()}</Badge> : null}
        {node.isFailed ? <Badge tone="danger">failed</Badge> : null}
        {node.isFlagged ? <Badge tone="warning">flagged</Badge> : null}
        {node.isSynthetic ? <Badge tone="synthetic">synthetic</Badge> : null}
      </div>
      <p className="mt-0.5 break-all font-mono text-[11px] text-ink-faint">{node.id}</p>
      {detail?.description ? <p className="mt-1 text-sm text-ink-muted">{detail.description}</p> : null}

      {detail ? (
        <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-4">
          {detail.owners.length ? <Field label="Owners">{detail.owners.join(", ")}</Field> : null}
          {t ? (
            <Field label="Made by job">
              {t.job.name}
              {t.job.kind ? <span className="text-ink-muted"> ({t.job.kind})</span> : null}
            </Field>
          ) : null}
          {run ? (
            <Field label="Run">
              <span className="font-mono text-xs">{run.runId.slice(0, 8)}</span> · {run.state.toLowerCase()}
            </Field>
          ) : null}
          {run ? (
            <Field label="When">
              {formatDateTime(run.startedAt)}
              {run.durationMs !== null ? <span className="text-ink-muted"> · {formatDuration(run.durationMs)}</span> : null}
            </Field>
          ) : null}
          {detail.contentHash ? (
            <Field label="Content hash">
              <span className="break-all font-mono text-xs">{detail.contentHash}</span>
            </Field>
          ) : null}
          {t?.job.sourceCodeUrl ? (
            <Field label="Code">
              <span className="break-all text-xs">{t.job.sourceCodeUrl}</span>
            </Field>
          ) : null}
        </dl>
      ) : (
        <p className="mt-1 text-xs text-ink-muted">Not described: beyond the report&apos;s detail budget.</p>
      )}

      {reason ? (
        <p className="mt-2 text-sm text-ink">
          <span className="font-semibold">{isInstance ? "Why: " : `Latest change${change?.label ? ` (${change.label})` : ""}: `}</span>
          {reason}
          {author ? <span className="text-ink-muted"> — {author}</span> : null}
        </p>
      ) : null}

      {run && run.parameters.length > 0 ? (
        <table className="mt-2 w-full border-collapse text-xs">
          <caption className="mb-1 text-left text-[11px] font-medium uppercase tracking-wide text-ink-faint">Parameters</caption>
          <tbody>
            {run.parameters.map((p) => (
              <tr key={`${p.source}:${p.key}`} className="border-t border-line">
                <th scope="row" className="w-1/3 py-1 pr-3 text-left font-mono font-normal text-ink-muted">
                  {p.key}
                </th>
                <td className="break-all py-1 font-mono text-ink">{p.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {t && (t.inputs.length > 0 || t.outputs.length > 0) ? (
        <p className="mt-2 text-xs text-ink-muted">
          {t.inputs.length ? (
            <>
              <span className="font-semibold text-ink">Inputs:</span> {t.inputs.map((i) => `${i.name}${i.version ? `@${i.version}` : ""}`).join(", ")}
            </>
          ) : null}
          {t.inputs.length && t.outputs.length ? " · " : null}
          {t.outputs.length ? (
            <>
              <span className="font-semibold text-ink">Outputs:</span> {t.outputs.map((o) => `${o.name}${o.version ? `@${o.version}` : ""}`).join(", ")}
            </>
          ) : null}
        </p>
      ) : null}

      {run?.errorMessage ? (
        <p className="mt-2 rounded border border-danger/30 bg-danger-soft px-2 py-1 text-xs text-ink">
          <span className="font-semibold text-danger">Error: </span>
          {run.errorMessage}
        </p>
      ) : null}

      {failureReasons.length > 0 || failedChecks.length > 0 ? (
        <ul className="mt-2 space-y-0.5 text-xs text-ink" aria-label="Failures">
          {failureReasons.map((r, i) => (
            <li key={`f${i}`} className="flex gap-1.5">
              <span className="font-semibold text-danger">Failed:</span>
              <span>
                {r.check ? <span className="font-mono">{r.check}</span> : null}
                {r.check ? ": " : null}
                {r.message}
              </span>
            </li>
          ))}
          {failedChecks.map((c, i) => (
            <li key={`c${i}`} className="flex gap-1.5">
              <span className="font-semibold text-danger">Failing check:</span>
              <span>
                <span className="font-mono">{c.check}</span>: {c.message}
              </span>
            </li>
          ))}
        </ul>
      ) : null}

      {activeDirect.length > 0 || inherited.length > 0 ? (
        <ul className="mt-2 space-y-0.5 text-xs text-ink" aria-label="Flags" data-testid="report-flags">
          {activeDirect.map((f) => (
            <li key={f.flagId} className="flex flex-wrap gap-1.5">
              <Badge tone="warning">
                {f.kind} · {f.severity}
              </Badge>
              <span>
                {f.reason} <span className="text-ink-muted">— flagged by {f.by}, {formatDateTime(f.createdAt)} (event #{f.seq})</span>
              </span>
            </li>
          ))}
          {inherited.map((i) => (
            <li key={`${i.flagId}:${i.from}`} className="flex flex-wrap gap-1.5">
              <Badge tone="warning">
                {i.flag.kind} · {i.flag.severity}
              </Badge>
              <span>
                {i.description}: {i.flag.reason}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
