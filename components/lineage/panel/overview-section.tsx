import type { NodeDetail } from "@/lib/lineage/types";
import { Badge, runStateTone } from "@/components/ui/badge";
import { formatDateTime } from "@/components/format";
import { kindLabel, nodeTypeLabel, visualKindOf } from "../node-icon";
import { Field, PanelSection } from "./panel-section";

/** Who and what a node is: kind, namespace, name, description, owners, tags, hash, times, state. */
export function OverviewSection({ detail }: { detail: NodeDetail }) {
  const { node } = detail;
  const kind = visualKindOf(node.type, node.kind);
  const isDatasetLike = node.type === "dataset" || node.type === "datasetVersion";
  return (
    <PanelSection id="panel-overview" title="Overview" testId="section-overview">
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
        <Field label="Created">{formatDateTime(detail.createdAt)}</Field>
        {detail.updatedAt && detail.updatedAt !== detail.createdAt ? <Field label="Updated">{formatDateTime(detail.updatedAt)}</Field> : null}
      </dl>
      {detail.schema.length > 0 ? (
        <details className="mt-3">
          <summary className="cursor-pointer text-sm font-medium text-ink hover:text-accent">Schema · {detail.schema.length} fields</summary>
          <table className="mt-2 w-full text-left text-xs">
            <thead className="text-ink-muted">
              <tr>
                <th className="py-1 pr-2 font-medium">Field</th>
                <th className="py-1 pr-2 font-medium">Type</th>
                <th className="py-1 font-medium">Description</th>
              </tr>
            </thead>
            <tbody>
              {detail.schema.map((field) => (
                <tr key={field.name} className="border-t border-line align-top">
                  <td className="py-1 pr-2 font-mono text-ink">{field.name}</td>
                  <td className="py-1 pr-2 font-mono text-ink-muted">{field.type ?? "—"}</td>
                  <td className="py-1 text-ink-muted">{field.description ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </PanelSection>
  );
}
