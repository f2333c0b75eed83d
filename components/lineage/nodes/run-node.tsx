"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { LineageNodeData } from "@/lib/lineage/flow-mapping";
import { formatShortDateTime, shortRunId } from "@/components/format";
import { NodeBox } from "./node-parts";
import { runIdOf } from "@/lib/lineage/node-id";

export type RunFlowNode = Node<LineageNodeData, "run">;

/** One run of a job in the version graph: the transformation that made its outputs, at one time. */
export const RunNode = memo(function RunNode({ data }: NodeProps<RunFlowNode>) {
  const { node } = data;
  const runId = runIdOf(node.id);
  return (
    <NodeBox
      data={data}
      kind="run"
      title={node.name}
      testId="run-node"
      minimalDetail={node.time ? formatShortDateTime(node.time) : `run ${shortRunId(runId)}`}
      subtitle={
        <>
          <span className="font-mono font-semibold text-ink" title={`Run ${runId}`}>
            run {shortRunId(runId)}
          </span>
          {node.state === "COMPLETED" ? " · completed" : ""}
          {node.time ? ` · ${formatShortDateTime(node.time)}` : ""}
        </>
      }
    />
  );
});
