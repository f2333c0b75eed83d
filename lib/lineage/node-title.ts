import { runIdOf } from "./node-id";
import type { LineageNode } from "./types";

/**
 * How a page title (and anything else that has one line) names a node: a dataset or job by its
 * name, a version with its version, a run by its job and the start of its run id. `at` joins a
 * name to its version: `models/ft @v3` in titles, `models/ft@v3` in captions and labels, the form
 * a person would type.
 */
export function nodeTitle(node: Pick<LineageNode, "id" | "type" | "name" | "version">, at: " @" | "@" = " @"): string {
  if (node.type === "datasetVersion" && node.version) return `${node.name}${at}${node.version}`;
  if (node.type === "run") return `${node.name} run ${runIdOf(node.id).slice(0, 8)}`;
  return node.name;
}
