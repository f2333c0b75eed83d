"use client";

import Link from "next/link";
import type { MouseEvent } from "react";
import type { LineageNode } from "@/lib/lineage/types";
import { investigateHref } from "./investigate-href";

const stop = (event: MouseEvent) => event.stopPropagation();

/** "Investigate" on a failed version or run, on the canvas: opens the investigate view. */
export function InvestigateLink({ node }: { node: LineageNode }) {
  const isFailed = node.isFailed || node.state === "FAILED";
  if (!isFailed || (node.type !== "datasetVersion" && node.type !== "run")) return null;
  return (
    <Link
      href={investigateHref(node.id)}
      onClick={stop}
      onDoubleClick={stop}
      className="nodrag nopan shrink-0 rounded border border-danger/50 bg-surface px-1 text-[10px] font-semibold uppercase leading-4 text-danger hover:bg-danger hover:text-white"
      data-testid="investigate-node-link"
      aria-label={`Investigate why ${node.name}${node.version ? ` @${node.version}` : ""} failed`}
      title="Investigate: what made it, what differs from a good one"
    >
      investigate
    </Link>
  );
}
