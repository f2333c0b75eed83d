"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { MoreNodeData } from "@/lib/lineage/flow-mapping";
import { NodeHandles } from "./node-parts";

export type MoreFlowNode = Node<MoreNodeData, "more">;

/** "N more": the leaves of a wide fan-out beyond the current page. Clicking it shows the next page. */
export const MoreNode = memo(function MoreNode({ data }: NodeProps<MoreFlowNode>) {
  const { more } = data;
  return (
    <div
      className="tl-node-box flex h-full w-full cursor-pointer items-center justify-center gap-1.5 rounded-full border border-dashed border-line-strong bg-surface-muted text-[13px] font-medium text-ink-muted hover:border-accent hover:text-accent"
      data-testid="more-node"
      title={`Show more ${more.direction} nodes`}
    >
      <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" aria-hidden="true">
        <path d="M12 5v14M5 12h14" />
      </svg>
      {more.hiddenCount} more
      <NodeHandles />
    </div>
  );
});
