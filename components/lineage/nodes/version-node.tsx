"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { LineageNodeData } from "@/lib/lineage/flow-mapping";
import { formatShortDateTime } from "@/components/format";
import { kindLabel, visualKindOf } from "../node-icon";
import { NodeBox } from "./node-parts";

export type VersionFlowNode = Node<LineageNodeData, "version">;

/** One version of a dataset in the version graph: exactly what a run read or wrote. */
export const VersionNode = memo(function VersionNode({ data }: NodeProps<VersionFlowNode>) {
  const kind = visualKindOf("datasetVersion", data.node.kind);
  return (
    <NodeBox
      data={data}
      kind={kind}
      title={data.node.name}
      testId="version-node"
      minimalDetail={data.node.version ? `@${data.node.version}` : undefined}
      subtitle={
        <>
          {data.node.version ? <span className="font-mono font-semibold text-ink">@{data.node.version}</span> : null}
          {data.node.version ? " · " : ""}
          {kindLabel[kind]}
          {data.node.time ? ` · ${formatShortDateTime(data.node.time)}` : ""}
        </>
      }
    />
  );
});
