"use client";

import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import type { DiffMark } from "@/lib/lineage/investigate-diff";
import type { InvestigateNodeData } from "@/lib/lineage/investigate-flow";
import { formatShortDateTime } from "@/components/format";
import { cn } from "@/components/ui/cn";
import { NodeIcon, kindColour, kindLabel, visualKindOf } from "@/components/lineage/node-icon";
import { NodeSignatureBadge } from "@/components/provenance/signature-badge";

export type InvestigateFlowNodeType = Node<InvestigateNodeData, "investigate">;

/** How each diff mark looks: border, chip, words. Colour is never the only cue: the chip says it. */
const MARK_STYLE: Record<Exclude<DiffMark, "same">, { border: string; chip: string; label: string }> = {
  changed: { border: "border-warning border-2", chip: "bg-warning-soft text-warning", label: "changed" },
  added: { border: "border-info border-2", chip: "bg-info-soft text-info", label: "added" },
  removed: { border: "border-line-strong border-2 border-dashed opacity-75", chip: "bg-surface-muted text-ink-muted", label: "removed" },
  counterpart: { border: "border-success border-2 border-dashed", chip: "bg-success-soft text-success", label: "compared" },
};

/** One version or run of the investigation graph, marked by the diff. */
export const InvestigateNode = memo(function InvestigateNode({ data }: NodeProps<InvestigateFlowNodeType>) {
  const { node, mark, role, isSelected, synthetic } = data;
  const kind = visualKindOf(node.type, node.kind);
  const colour = kindColour(kind);
  const markStyle = mark && mark !== "same" ? MARK_STYLE[mark] : null;
  const isFailed = node.isFailed || node.state === "FAILED";
  const time = node.time ? formatShortDateTime(node.time) : null;
  const subtitle = node.type === "run" ? `Run${time ? ` · ${time}` : ""}` : `${kindLabel[kind]} version`;

  return (
    <div
      data-testid="investigate-node"
      data-mark={mark ?? "none"}
      data-role={role ?? "none"}
      className={cn(
        "relative h-full w-full rounded-lg bg-surface text-left shadow-card",
        markStyle ? markStyle.border : isFailed ? "border-2 border-danger" : "border border-line-strong",
        role === "target" ? "ring-[3px] ring-accent ring-offset-2 ring-offset-[var(--canvas)]" : "",
        isSelected && role !== "target" ? "ring-2 ring-accent/70" : "",
      )}
    >
      {role ? (
        <span
          className={cn(
            "absolute -top-2.5 left-3 z-10 rounded px-1.5 text-[10px] font-bold uppercase leading-4 tracking-wide",
            role === "target" ? "bg-accent text-accent-ink" : "bg-success text-white",
          )}
        >
          {role === "target" ? "investigating" : "comparison"}
        </span>
      ) : null}
      {markStyle && !role ? (
        <span
          data-testid="diff-mark"
          className={cn("absolute -top-2.5 right-3 z-10 rounded px-1.5 text-[10px] font-bold uppercase leading-4", markStyle.chip)}
        >
          {markStyle.label}
        </span>
      ) : null}
      <div className="absolute bottom-0 left-0 top-0 w-1.5 rounded-l-[7px]" style={{ background: colour }} aria-hidden="true" />
      <div className="flex h-full items-center gap-2.5 pl-4 pr-3">
        <span
          className="flex h-8 w-8 shrink-0 items-center justify-center rounded-md"
          style={{ color: colour, background: `color-mix(in srgb, ${colour} 14%, transparent)` }}
        >
          <NodeIcon kind={kind} size={18} />
        </span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-[13px] font-semibold leading-[18px] text-ink" title={node.name} data-testid="node-title">
            {node.name}
          </div>
          <div className="flex min-w-0 items-center gap-1.5 text-[11px] leading-4 text-ink-muted">
            {node.version && node.type !== "run" ? (
              <span className="shrink-0 rounded bg-surface-muted px-1 font-mono font-semibold text-ink" title={`Version ${node.version}`}>
                @{node.version.length > 16 ? `${node.version.slice(0, 16)}…` : node.version}
              </span>
            ) : null}
            <span className="truncate">{subtitle}</span>
          </div>
          <div className="mt-0.5 flex min-w-0 gap-1 overflow-hidden">
            {isFailed ? (
              <span data-testid="badge-failed" className="rounded bg-danger px-1 text-[10px] font-semibold uppercase leading-4 text-white">
                failed
              </span>
            ) : null}
            {node.isFlagged ? (
              <span data-testid="badge-flagged" className="rounded bg-warning-soft px-1 text-[10px] font-semibold uppercase leading-4 text-warning">
                flagged
              </span>
            ) : null}
            <NodeSignatureBadge node={node} />
            {synthetic ? (
              <span
                data-testid="badge-synthetic-share"
                className="whitespace-nowrap rounded bg-synthetic-soft px-1 text-[10px] font-semibold leading-4 text-synthetic"
                title={`Synthetic share ${formatShare(synthetic.share)}: ${synthetic.meaning}; model output fed back into training ${synthetic.generation} time(s) upstream`}
              >
                ◆ {formatShare(synthetic.share)} · g{synthetic.generation}
              </span>
            ) : null}
          </div>
        </div>
      </div>
      <Handle type="target" position={Position.Left} isConnectable={false} className="tl-handle" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="tl-handle" />
    </div>
  );
});

/** 1 -> "100 %", 0.0008 -> "<1 %", 0.1667 -> "17 %". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.01) return "<1 %";
  return `${Math.round(share * 100)} %`;
}
