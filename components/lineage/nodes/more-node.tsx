"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { MoreNodeData } from "@/lib/lineage/flow-mapping";
import { NodeHandles } from "./node-parts";
import { useIsFrozenView } from "../frozen-view";

export type MoreFlowNode = Node<MoreNodeData, "more">;

/**
 * "N more": the leaves of a wide fan-out beyond the current page. Clicking it shows the next page;
 * in a frozen view (a share) it only says how many were folded away, as they are not in the snapshot.
 */
export const MoreNode = memo(function MoreNode({ data }: NodeProps<MoreFlowNode>) {
  const { more } = data;
  const isFrozen = useIsFrozenView();
  return (
    <div
      className={`tl-node-box flex h-full w-full items-center justify-center gap-1.5 rounded-full border border-dashed border-line-strong bg-surface-muted text-[13px] font-medium text-ink-muted ${isFrozen ? "" : "cursor-pointer hover:border-accent hover:text-accent"}`}
      data-testid="more-node"
      title={isFrozen ? `${more.hiddenCount} more ${more.direction} nodes, not in this snapshot` : `Show more ${more.direction} nodes`}
    >
      {isFrozen ? null : (
        <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" aria-hidden="true">
          <path d="M12 5v14M5 12h14" />
        </svg>
      )}
      {more.hiddenCount} more
      <NodeHandles />
    </div>
  );
});
