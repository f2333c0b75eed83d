import type { NodeDetail } from "@/lib/lineage/types";
import { EmptyState } from "@/components/ui/empty-state";
import { PagedNodeRefList } from "./node-ref-list";
import { PanelSection } from "./panel-section";
import type { PageLoader } from "./use-paged-list";

/** Direct neighbours both ways, with counts; each opens that node. A wide node pages ("Show more"). */
export function LineageSection({ detail, onOpen, loadPage }: { detail: NodeDetail; onOpen: (id: string) => void; loadPage?: PageLoader }) {
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
          </h4>
          {upstream.length > 0 ? (
            <PagedNodeRefList list="upstream" refs={upstream} total={detail.totals?.upstream ?? node.upstreamCount} loadPage={loadPage} onOpen={onOpen} testId="upstream-list" />
          ) : (
            <EmptyState compact title={noUpstream} />
          )}
        </div>
        <div>
          <h4 className="mb-1 text-sm font-semibold text-ink">
            Downstream · {node.downstreamCount}
          </h4>
          {downstream.length > 0 ? (
            <PagedNodeRefList list="downstream" refs={downstream} total={detail.totals?.downstream ?? node.downstreamCount} loadPage={loadPage} onOpen={onOpen} testId="downstream-list" />
          ) : (
            <EmptyState compact title={noDownstream} />
          )}
        </div>
      </div>
    </PanelSection>
  );
}
