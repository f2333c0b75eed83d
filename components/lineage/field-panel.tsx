"use client";

import type { ColumnLineageGraph, FieldImpact } from "@/lib/lineage/columns";
import { transformationLabel } from "@/lib/lineage/columns";
import { nodeId } from "@/lib/lineage/node-id";
import { CloseButton } from "@/components/ui/close-button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonLines } from "@/components/ui/skeleton";
import { Field, PanelSection } from "./panel/panel-section";
import { useApiResource } from "./use-api-resource";

export interface FieldPanelProps {
  fieldId: string;
  /** The field's column-lineage path (the canvas reads it too); null while it loads. */
  graph: ColumnLineageGraph | null;
  error: string | null;
  onRetry: () => void;
  asOf?: string;
  onClose: () => void;
  /** Highlight another field (a source, or one the field flows into). */
  onSelectField: (fieldId: string) => void;
}

function impactUrl(fieldId: string, asOf: string | undefined, format?: "csv"): string {
  const params = new URLSearchParams({ nodeId: fieldId });
  if (format) params.set("format", format);
  if (asOf) params.set("asOf", asOf);
  return `/api/v1/column-lineage/impact?${params.toString()}`;
}

/**
 * The selected field of the columns view: what it is, the source fields it was made from with each
 * transformation (type/subtype, description, masking), and everything downstream of it — fields,
 * datasets, models and outputs, with hops — downloadable as CSV.
 */
export function FieldPanel({ fieldId, graph, error, onRetry, asOf, onClose, onSelectField }: FieldPanelProps) {
  const node = graph?.graph.find((n) => n.id === fieldId) ?? null;
  const impact = useApiResource<FieldImpact>(impactUrl(fieldId, asOf));
  return (
    <aside aria-label="Field details" data-testid="field-panel" data-field-id={fieldId} className="flex h-full w-full flex-col border-l border-line bg-surface">
      <header className="flex items-start gap-3 border-b border-line px-4 py-3">
        <span className="mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-md bg-accent-soft font-mono text-sm font-bold text-accent" aria-hidden="true">
          ab
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-xs font-medium text-ink-muted">Field · {node ? `${node.data.namespace} / ${node.data.dataset}` : "…"}</p>
          <h2 className="break-words font-mono text-base font-semibold leading-snug text-ink" data-testid="field-panel-title">
            {node?.data.field ?? fieldId.replace(/^datasetField:/, "")}
          </h2>
        </div>
        <CloseButton label="Close field details" onClick={onClose} testId="field-panel-close" />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {error ? (
          <div className="p-4">
            <ErrorState title="Could not load this field" message={error} onRetry={onRetry} />
          </div>
        ) : !node ? (
          <div className="p-4">
            <SkeletonLines lines={4} />
          </div>
        ) : (
          <>
            <PanelSection id="field-overview" title="Overview" testId="field-overview">
              <dl>
                <Field label="Type">{node.data.fieldType ? <code className="font-mono">{node.data.fieldType}</code> : <span className="text-ink-faint">not in the schema</span>}</Field>
                <Field label="Dataset">{node.data.dataset}</Field>
                <Field label="Namespace">{node.data.namespace}</Field>
                {node.data.datasetVersion ? <Field label="Latest version"><code className="break-all font-mono text-xs">{node.data.datasetVersion}</code></Field> : null}
              </dl>
            </PanelSection>
            <PanelSection id="field-sources" title="Made from" count={node.data.inputFields.length} testId="field-sources">
              {node.data.inputFields.length === 0 ? (
                <EmptyState compact title="No source fields recorded">No column lineage names the fields this one was made from: it is a source, or its producer does not report column lineage.</EmptyState>
              ) : (
                <ul className="space-y-2.5">
                  {node.data.inputFields.map((input) => {
                    const id = nodeId.datasetField(input.namespace, input.dataset, input.field);
                    const isMasked = input.transformations.some((t) => t.masking);
                    const descriptions = [...new Set([input.transformationDescription, ...input.transformations.map((t) => t.description)].filter((d): d is string => !!d))];
                    return (
                      <li key={id} className="rounded-md border border-line p-2.5" data-testid="field-source" data-field-id={id}>
                        <button type="button" className="break-all text-left font-mono text-sm font-semibold text-accent hover:underline" onClick={() => onSelectField(id)} title="Highlight this field's path">
                          {input.dataset}.{input.field}
                        </button>
                        <p className="text-xs text-ink-muted">{input.namespace}</p>
                        <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs">
                          <span className="rounded bg-accent-soft px-1.5 py-0.5 font-mono font-semibold text-accent" data-testid="field-transformation">
                            {transformationLabel(input.transformations, input.transformationType)}
                          </span>
                          {isMasked ? <span className="rounded bg-warning-soft px-1.5 py-0.5 font-semibold uppercase text-warning" data-testid="field-source-masked">masked</span> : null}
                        </p>
                        {descriptions.map((d) => (
                          <p key={d} className="mt-1 font-mono text-xs text-ink" data-testid="field-transformation-description">
                            {d}
                          </p>
                        ))}
                      </li>
                    );
                  })}
                </ul>
              )}
            </PanelSection>
          </>
        )}
        <ImpactSection fieldId={fieldId} asOf={asOf} impact={impact.data} error={impact.error} isLoading={impact.isLoading} onRetry={impact.retry} onSelectField={onSelectField} />
      </div>
    </aside>
  );
}

function ImpactSection({
  fieldId,
  asOf,
  impact,
  error,
  isLoading,
  onRetry,
  onSelectField,
}: {
  fieldId: string;
  asOf?: string;
  impact: FieldImpact | null;
  error: string | null;
  isLoading: boolean;
  onRetry: () => void;
  onSelectField: (fieldId: string) => void;
}) {
  const count = impact ? impact.fields.length + impact.datasets.length : undefined;
  return (
    <PanelSection id="field-impact" title="Where it ends up" count={count} testId="field-impact">
      {error ? (
        <ErrorState title="Could not read what is downstream" message={error} onRetry={onRetry} />
      ) : isLoading || !impact ? (
        <SkeletonLines lines={3} />
      ) : impact.fields.length + impact.datasets.length === 0 ? (
        <EmptyState compact title="Nothing downstream">Nothing recorded was made from this field or its dataset.</EmptyState>
      ) : (
        <>
          <a
            href={impactUrl(fieldId, asOf, "csv")}
            download
            className="mb-3 inline-flex items-center gap-1 rounded-md border border-line px-2 py-1 text-xs font-medium text-ink hover:border-accent hover:text-accent"
            data-testid="impact-csv"
          >
            Download CSV
          </a>
          {impact.truncated ? <p className="mb-2 text-xs text-warning">The list reached its limit; the CSV holds the same rows.</p> : null}
          <table className="w-full table-fixed text-left text-xs" data-testid="impact-table">
            <thead className="text-ink-muted">
              <tr>
                <th scope="col" className="w-[62%] pb-1 font-medium">Field or dataset</th>
                <th scope="col" className="pb-1 font-medium">Kind</th>
                <th scope="col" className="w-12 pb-1 text-right font-medium">Hops</th>
              </tr>
            </thead>
            <tbody>
              {impact.fields.map((f) => (
                <tr key={f.id} className="border-t border-line align-top" data-testid="impact-field">
                  <td className="break-all py-1 pr-2">
                    <button type="button" className="text-left font-mono text-accent hover:underline" onClick={() => onSelectField(f.id)}>
                      {f.dataset}.{f.field}
                    </button>
                  </td>
                  <td className="py-1 text-ink-muted">field</td>
                  <td className="py-1 text-right tabular-nums">{f.hops}</td>
                </tr>
              ))}
              {impact.datasets.map((d) => (
                <tr key={d.id} className="border-t border-line align-top" data-testid="impact-dataset">
                  <td className="break-all py-1 pr-2 text-ink">{d.name}</td>
                  <td className="py-1 text-ink-muted" title={d.via === "column" ? "holds a field made from it" : "made from a dataset that holds one"}>
                    {d.kind}
                    {d.via === "dataset" ? " · via dataset" : ""}
                  </td>
                  <td className="py-1 text-right tabular-nums">{d.hops}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </PanelSection>
  );
}
