"use client";

import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import type { LineageNodeData } from "@/lib/lineage/flow-mapping";
import { kindLabel, visualKindOf } from "../node-icon";
import { NodeBox } from "./node-parts";
import { FieldList } from "./field-list";

export type DatasetFlowNode = Node<LineageNodeData, "dataset">;

/** A dataset of the entity graph: data, model, prompt, output or eval, each with its own look; in the columns view, with its fields. */
export const DatasetNode = memo(function DatasetNode({ data }: NodeProps<DatasetFlowNode>) {
  const kind = visualKindOf("dataset", data.node.kind);
  return (
    <NodeBox
      data={data}
      kind={kind}
      title={data.node.name}
      testId="dataset-node"
      below={data.columns ? <FieldList datasetId={data.node.id} columns={data.columns} /> : undefined}
      subtitle={
        <>
          {kindLabel[kind]}
          {data.node.version ? ` · latest ${data.node.version}` : ""}
        </>
      }
    />
  );
});
