import type { NodeDetail } from "@/lib/lineage/types";
import { EmptyState } from "@/components/ui/empty-state";
import { NodeRefList } from "./node-ref-list";
import { PanelSection } from "./panel-section";

/** Direct neighbours both ways, with counts; each opens that node. */
export function LineageSection({ detail, onOpen }: { detail: NodeDetail; onOpen: (id: string) => void }) {
  const { node, upstream, downstream } = detail;
  const noun = node.type === "job" ? "job" : node.type === "run" ? "run" : node.type === "datasetVersion" ? "version" : "dataset";
  const isDatasetLike = node.type === "dataset" || node.type === "datasetVersion";
  const noUpstream = isDatasetLike ? `This ${noun} has no recorded upstream: it is a source.` : `This ${noun} reads no recorded inputs.`;
  const noDownstream = isDatasetLike ? `Nothing recorded downstream: no job has read this ${noun} yet.` : `This ${noun} has no recorded outputs.`;
  return (
    <PanelSection id="panel-lineage" title="Lineage" testId="section-lineage">
      <div className="space-y-4">
        <div>
          <h4 className="mb-1 text-sm font-semibold text-ink">
            Upstream · {node.upstreamCount}
            {upstream.length < node.upstreamCount ? <span className="font-normal text-ink-muted"> (first {upstream.length} shown)</span> : null}
          </h4>
          {upstream.length > 0 ? (
            <NodeRefList refs={upstream} onOpen={onOpen} testId="upstream-list" />
          ) : (
            <EmptyState compact title={noUpstream} />
          )}
        </div>
        <div>
          <h4 className="mb-1 text-sm font-semibold text-ink">
            Downstream · {node.downstreamCount}
            {downstream.length < node.downstreamCount ? <span className="font-normal text-ink-muted"> (first {downstream.length} shown)</span> : null}
          </h4>
          {downstream.length > 0 ? (
            <NodeRefList refs={downstream} onOpen={onOpen} testId="downstream-list" />
          ) : (
            <EmptyState compact title={noDownstream} />
          )}
        </div>
      </div>
    </PanelSection>
  );
}
