import type { NodeDetail } from "@/lib/lineage/types";
import { EmptyState } from "@/components/ui/empty-state";
import { NodeRefSection } from "./node-ref-list";
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
        <NodeRefSection
          list="upstream"
          title="Upstream"
          count={node.upstreamCount}
          total={detail.totals?.upstream ?? node.upstreamCount}
          refs={upstream}
          empty={<EmptyState compact title={noUpstream} />}
          loadPage={loadPage}
          onOpen={onOpen}
          testId="upstream-list"
        />
        <NodeRefSection
          list="downstream"
          title="Downstream"
          count={node.downstreamCount}
          total={detail.totals?.downstream ?? node.downstreamCount}
          refs={downstream}
          empty={<EmptyState compact title={noDownstream} />}
          loadPage={loadPage}
          onOpen={onOpen}
          testId="downstream-list"
        />
      </div>
    </PanelSection>
  );
}
