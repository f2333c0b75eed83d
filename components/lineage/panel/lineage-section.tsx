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
  const sides = [
    { list: "upstream", title: "Upstream", count: node.upstreamCount, refs: upstream, empty: noUpstream },
    { list: "downstream", title: "Downstream", count: node.downstreamCount, refs: downstream, empty: noDownstream },
  ] as const;
  return (
    <PanelSection id="panel-lineage" title="Lineage" testId="section-lineage">
      <div className="space-y-4">
        {sides.map((side) => (
          <NodeRefSection
            key={side.list}
            {...side}
            total={detail.totals?.[side.list] ?? side.count}
            empty={<EmptyState compact title={side.empty} />}
            loadPage={loadPage}
            onOpen={onOpen}
            testId={`${side.list}-list`}
          />
        ))}
      </div>
    </PanelSection>
  );
}
