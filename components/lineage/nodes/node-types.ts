import type { NodeTypes } from "@xyflow/react";
import { DatasetNode } from "./dataset-node";
import { JobNode } from "./job-node";
import { MoreNode } from "./more-node";
import { RunNode } from "./run-node";
import { VersionNode } from "./version-node";

/** Module scope: a new object per render would remount every node (React Flow hygiene). */
export const nodeTypes = {
  dataset: DatasetNode,
  job: JobNode,
  version: VersionNode,
  run: RunNode,
  more: MoreNode,
} satisfies NodeTypes;
