import { memo } from "react";
import type { NodeDetail } from "@/lib/lineage/types";
import { readModelFacet } from "@/lib/schemas/threadline-facets";
import { Field, PanelSection } from "./panel-section";

/**
 * A model version as its registry sees it (MLflow's model registry): registered model, version,
 * stage and the aliases that point at it; for a logged model, its id and status.
 */
export const RegistrySection = memo(function RegistrySection({ detail }: { detail: NodeDetail }) {
  if (detail.node.type !== "datasetVersion" && detail.node.type !== "dataset") return null;
  const model = readModelFacet(detail.facets);
  if (!model || (!model.registeredModel && !model.modelId)) return null;
  return (
    <PanelSection id="panel-registry" title="Model registry" testId="section-registry">
      <dl>
        {model.registeredModel ? <Field label="Registered as">{model.registeredModel}</Field> : null}
        {model.modelVersion ? <Field label="Version">{model.modelVersion}</Field> : null}
        {model.registeredModel ? (
          <Field label="Stage">
            <span data-testid="model-stage">{model.stage ?? "None"}</span>
          </Field>
        ) : null}
        {model.registeredModel ? (
          <Field label="Aliases">
            {model.aliases.length === 0 ? (
              <span className="text-ink-muted">none</span>
            ) : (
              <span className="flex flex-wrap gap-1" data-testid="model-aliases">
                {model.aliases.map((alias) => (
                  <span key={alias} className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-xs text-ink">
                    @{alias}
                  </span>
                ))}
              </span>
            )}
          </Field>
        ) : null}
        {model.modelId ? (
          <Field label="Model id">
            <span className="break-all font-mono text-xs">{model.modelId}</span>
          </Field>
        ) : null}
        {model.status ? <Field label="Status">{model.status}</Field> : null}
        {model.framework ? <Field label="Framework">{model.framework}</Field> : null}
      </dl>
    </PanelSection>
  );
});
