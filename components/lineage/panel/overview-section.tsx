import Link from "next/link";
import type { NodeDetail } from "@/lib/lineage/types";
import { Badge, runStateTone } from "@/components/ui/badge";
import { formatDateTime } from "@/components/format";
import { kindLabel, nodeTypeLabel, visualKindOf } from "../node-icon";
import { Field, PanelSection } from "./panel-section";
import { SignatureBadge } from "@/components/provenance/signature-badge";
import { useIsFrozenView } from "../frozen-view";

/** Who and what a node is: kind, namespace, name, description, owners, tags, hash, times, state. */
export function OverviewSection({ detail }: { detail: NodeDetail }) {
  const { node } = detail;
  // A share page leads nowhere outside its snapshot: no link to the live provenance page there.
  const isFrozen = useIsFrozenView();
  const kind = visualKindOf(node.type, node.kind);
  const isDatasetLike = node.type === "dataset" || node.type === "datasetVersion";
  // Shares frozen before failures were recorded carry none.
  const failures = detail.failures ?? [];
  // A failed run (or a job whose last run failed) says why first, before anything else.
  const failedRun = (node.type === "run" || node.type === "job") && detail.transformation?.run?.state === "FAILED" ? detail.transformation.run : null;
  return (
    <PanelSection id="panel-overview" title="Overview" testId="section-overview">
      {failedRun ? (
        <div role="alert" className="mb-3 rounded-md border border-danger/40 bg-danger-soft px-3 py-2" data-testid="run-failed">
          <p className="mb-1 text-sm font-semibold text-danger">{node.type === "job" ? "Its last run failed" : "This run failed"}</p>
          <p className="whitespace-pre-line break-words font-mono text-xs text-ink">{failedRun.errorMessage ?? "No error message was recorded."}</p>
        </div>
      ) : null}
      {failures.length > 0 ? (
        <div role="alert" className="mb-3 rounded-md border border-danger/40 bg-danger-soft px-3 py-2" data-testid="failures">
          <p className="mb-1 text-sm font-semibold text-danger">
            {node.type === "dataset" ? `Its latest version (${node.version}) failed` : "Why it failed"}
          </p>
          <ul className="space-y-1">
            {failures.map((failure, index) => (
              <li key={index} className="text-sm text-ink" data-testid="failure" data-source={failure.source}>
                <span className="mr-1.5 rounded bg-danger px-1 text-[10px] font-semibold uppercase leading-4 text-white">
                  {failure.source === "check" ? "failed check" : failure.source === "flag" ? "marked failed" : "run failed"}
                </span>
                {failure.check ? <strong className="font-semibold">{failure.check}: </strong> : null}
                <span className="break-words">{failure.message}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {detail.description ? <p className="mb-3 whitespace-pre-line text-sm text-ink">{detail.description}</p> : null}
      <dl>
        <Field label="Type">{nodeTypeLabel[node.type]}</Field>
        <Field label="Kind">{isDatasetLike ? kindLabel[kind] : node.kind ?? "—"}</Field>
        <Field label="Namespace">
          <span className="font-mono text-[13px]">{node.namespace}</span>
        </Field>
        <Field label="Name">
          <span className="font-mono text-[13px]">{node.name}</span>
        </Field>
        {node.version ? (
          <Field label={node.type === "dataset" ? "Latest version" : "Version"}>
            <span className="font-mono text-[13px]">{node.version}</span>
          </Field>
        ) : null}
        {node.state ? (
          <Field label={node.type === "job" ? "Last run" : "State"}>
            <Badge tone={runStateTone(node.state)}>{node.state.toLowerCase()}</Badge>
          </Field>
        ) : null}
        <Field label="Status">
          <span className="flex flex-wrap gap-1">
            {node.isFailed ? <Badge tone="danger">failed</Badge> : null}
            {node.isFlagged ? <Badge tone="warning">flagged</Badge> : null}
            {node.isSynthetic ? <Badge tone="synthetic">◆ synthetic</Badge> : null}
            {!node.isFailed && !node.isFlagged && !node.isSynthetic ? <span className="text-ink-muted">no flags</span> : null}
          </span>
        </Field>
        <Field label="Owners">{detail.owners.length > 0 ? detail.owners.join(", ") : <span className="text-ink-muted">none recorded</span>}</Field>
        <Field label="Tags">
          {detail.tags.length > 0 ? (
            <span className="flex flex-wrap gap-1">
              {detail.tags.map((tag) => (
                <Badge key={tag}>{tag}</Badge>
              ))}
            </span>
          ) : (
            <span className="text-ink-muted">none</span>
          )}
        </Field>
        {detail.contentHash ? (
          <Field label="Content hash">
            <code className="break-all font-mono text-xs">{detail.contentHash}</code>
          </Field>
        ) : null}
        {detail.signature ? (
          <Field label="Signature">
            <span className="flex flex-wrap items-center gap-1.5" data-testid="panel-signature">
              <SignatureBadge status={detail.signature.status} signerName={detail.signature.signerName} />
              {detail.signature.signerKeyId ? <code className="font-mono text-xs text-ink-muted">{detail.signature.signerName ?? detail.signature.signerKeyId}</code> : null}
              {detail.contentHash && !isFrozen ? (
                <Link href={`/provenance?digest=${encodeURIComponent(detail.contentHash)}`} className="text-xs text-accent underline-offset-2 hover:underline">
                  provenance
                </Link>
              ) : null}
            </span>
          </Field>
        ) : null}
        <Field label="Created">{formatDateTime(detail.createdAt)}</Field>
        {detail.updatedAt && detail.updatedAt !== detail.createdAt ? <Field label="Updated">{formatDateTime(detail.updatedAt)}</Field> : null}
      </dl>
    </PanelSection>
  );
}
