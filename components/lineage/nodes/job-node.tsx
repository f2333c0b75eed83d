"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { LineageNodeData } from "@/lib/lineage/flow-mapping";
import { NodeBox } from "./node-parts";

export type JobFlowNode = Node<LineageNodeData, "job">;

/** A job of the entity graph: a transformation (curate, pretrain, fine-tune, generate, evaluate). */
export const JobNode = memo(function JobNode({ data }: NodeProps<JobFlowNode>) {
  const { node } = data;
  return (
    <NodeBox
      data={data}
      kind="job"
      title={node.name}
      testId="job-node"
      subtitle={
        <>
          Job{node.kind ? ` · ${node.kind.replace(/_/g, " ")}` : ""}
          {node.state && node.state !== "FAILED" && node.state !== "RUNNING" ? ` · last run ${node.state.toLowerCase()}` : ""}
        </>
      }
    />
  );
});
