"use client";

import { Handle, Position, useStore, type ReactFlowState } from "@xyflow/react";
import type { CSSProperties, MouseEvent, ReactNode } from "react";
import type { LineageNode } from "@/lib/lineage/types";
import { NodeSignatureBadge } from "@/components/provenance/signature-badge";
import type { LineageNodeData } from "@/lib/lineage/flow-mapping";
import { cn } from "@/components/ui/cn";
import { useExplorerActions } from "../explorer-actions";
import { NodeIcon, kindColour, type VisualKind } from "../node-icon";
import { InvestigateLink } from "@/components/investigate/investigate-link";
import { useIsFrozenView } from "../frozen-view";
import { compactLines } from "@/lib/lineage/compact-view";

/** Compact boxes narrower than this give their width to the title rather than to the kind icon. */
const COMPACT_ICON_WIDTH = 120;
/** Compact boxes narrower than this have no room for the "investigate" link beside their badges. */
const COMPACT_LINK_WIDTH = 180;

/** Below this zoom a node's text is too small to read: nodes switch to a minimal, larger-type form. */
export const MIN_DETAIL_ZOOM = 0.6;

const isZoomedOutSelector = (state: ReactFlowState) => state.transform[2] < MIN_DETAIL_ZOOM;

/** True below the detail threshold; re-renders a node only when the threshold is crossed. */
export function useIsZoomedOut(): boolean {
  return useStore(isZoomedOutSelector);
}

/** Invisible anchors edges attach to: data comes in on the left and leaves on the right. */
export function NodeHandles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="tl-handle" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="tl-handle" />
    </>
  );
}

const stop = (event: MouseEvent) => event.stopPropagation();

/** "+N" on a node's side: the store knows N neighbours there that the view does not show. */
export function ExpandButton({
  id,
  direction,
  count,
  name,
  isCompact = false,
}: {
  id: string;
  direction: "upstream" | "downstream";
  count: number;
  name: string;
  isCompact?: boolean;
}) {
  const { expand } = useExplorerActions();
  if (count <= 0) return null;
  return (
    <button
      type="button"
      className={cn(
        // Beside the box's top corner, clear of the mid-height anchor where edges and arrowheads meet;
        // a compact box's narrow gaps are the edges' own, so there it sits on the box's bottom corner.
        "nodrag nopan absolute z-10 rounded-full border border-line-strong bg-surface",
        "text-[11px] font-semibold leading-4 text-ink-muted shadow-card hover:border-accent hover:text-accent",
        isCompact
          ? cn("-bottom-2.5 px-1", direction === "upstream" ? "left-1" : "right-1")
          : cn("top-0.5 px-1.5 py-0.5", direction === "upstream" ? "-left-2 -translate-x-full" : "-right-2 translate-x-full"),
      )}
      data-testid={`expand-${direction}`}
      aria-label={`Show ${count} hidden ${direction} neighbour${count === 1 ? "" : "s"} of ${name}`}
      title={`Show ${count} more ${direction}`}
      onClick={(event) => {
        event.stopPropagation();
        expand(id, direction);
      }}
      onDoubleClick={stop}
    >
      +{count}
    </button>
  );
}

/**
 * Status badges drawn on a node: failed, flagged, synthetic, signature, running, aborted. A compact
 * node draws them as glyphs (their words in the tooltip and accessible name), "failed" excepted:
 * a word cut in half reads worse than none.
 */
export function NodeBadges({ node, isCompact = false }: { node: LineageNode; isCompact?: boolean }) {
  const badges: ReactNode[] = [];
  const words = (label: string) => (isCompact ? { title: label, "aria-label": label } : {});
  if (node.isFailed || node.state === "FAILED")
    badges.push(
      <span key="failed" data-testid="badge-failed" className="shrink-0 rounded bg-danger px-1 text-[10px] font-semibold uppercase leading-4 text-white">
        failed
      </span>,
    );
  if (node.isFlagged)
    badges.push(
      <span key="flagged" data-testid="badge-flagged" className="inline-flex shrink-0 items-center gap-0.5 rounded bg-warning-soft px-1 text-[10px] font-semibold uppercase leading-4 text-warning" {...words("flagged")}>
        <FlagGlyph /> {isCompact ? null : "flagged"}
      </span>,
    );
  if (node.isSynthetic)
    badges.push(
      <span key="synthetic" data-testid="badge-synthetic" className="inline-flex shrink-0 items-center gap-0.5 rounded bg-synthetic-soft px-1 text-[10px] font-semibold uppercase leading-4 text-synthetic" {...words("synthetic")}>
        <span aria-hidden="true">◆</span> {isCompact ? null : "synthetic"}
      </span>,
    );
  if (node.signatureStatus && node.signatureStatus !== "unsigned") badges.push(<NodeSignatureBadge key="signature" node={node} isCompact={isCompact} />);
  if (node.state === "RUNNING")
    badges.push(
      <span key="running" data-testid="badge-running" className="inline-flex shrink-0 items-center gap-1 rounded bg-info-soft px-1 text-[10px] font-semibold uppercase leading-4 text-info" {...words("running")}>
        <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-info" aria-hidden="true" /> {isCompact ? null : "running"}
      </span>,
    );
  if (node.state === "ABORTED")
    badges.push(
      <span key="aborted" className="shrink-0 rounded bg-warning-soft px-1 text-[10px] font-semibold uppercase leading-4 text-warning">
        aborted
      </span>,
    );
  if (badges.length === 0) return null;
  return <div className={isCompact ? "flex shrink-0 gap-0.5" : "flex min-w-0 gap-1 overflow-hidden"}>{badges}</div>;
}

function FlagGlyph() {
  return (
    <svg width="9" height="9" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <path d="M5 21V4h11l-1.5 4L16 12H7v9z" />
    </svg>
  );
}

/**
 * The box every lineage node is drawn in: kind colour strip and icon, focus and selection rings,
 * the failed/synthetic border, the "+N" handles, and the minimal form when zoomed out.
 */
export function NodeBox({
  data,
  kind,
  title,
  subtitle,
  minimalDetail,
  aside,
  below,
  testId,
}: {
  data: LineageNodeData;
  kind: VisualKind;
  title: string;
  subtitle: ReactNode;
  /**
   * What tells the box from its siblings once zoomed out (a version's version, a run's time): the
   * minimal form keeps it on a line of its own, or a version graph's six batches read alike.
   */
  minimalDetail?: string;
  aside?: ReactNode;
  /** Drawn under the header (a dataset's fields in the columns view); the header keeps its height. */
  below?: ReactNode;
  testId: string;
}) {
  const isZoomedOut = useIsZoomedOut();
  const isFrozen = useIsFrozenView();
  const { node, isFocus, isSelected, hiddenUpstream, hiddenDownstream } = data;
  const colour = kindColour(kind);
  const isFailed = node.isFailed || node.state === "FAILED";
  const style = { "--node-colour": colour } as CSSProperties;

  const boxClasses = cn(
    "tl-node-box relative h-full w-full rounded-lg border bg-surface text-left transition-shadow",
    node.isSynthetic ? "border-dashed border-2" : "",
    isFailed ? "border-danger border-2" : node.isFlagged ? "border-warning border-2" : "border-line-strong",
    isFocus ? "ring-[3px] ring-accent ring-offset-2 ring-offset-[var(--canvas)] shadow-overlay" : "shadow-card",
    isSelected && !isFocus ? "ring-2 ring-accent/70 shadow-overlay" : "",
  );

  // A small view in a narrow canvas: every box narrower, its title wrapped, legible at the zoom the
  // whole view fits at (lib/lineage/compact-view.ts).
  if (data.compact) {
    const { titleLines, hasDetail } = compactLines(data.compact);
    const hasIcon = data.compact.width >= COMPACT_ICON_WIDTH;
    return (
      <div className={boxClasses} style={style} data-testid={testId} data-compact="true">
        {isFocus ? (
          <span className="absolute -top-2.5 left-2 z-10 rounded bg-accent px-1 text-[10px] font-bold uppercase leading-4 tracking-wide text-accent-ink">
            focus
          </span>
        ) : null}
        <div className="absolute bottom-0 left-0 top-0 w-1 rounded-l-[7px]" style={{ background: colour }} aria-hidden="true" />
        <div className="flex h-full items-center gap-1.5 py-[5px] pl-2.5 pr-1">
          {hasIcon ? (
            <span className="shrink-0" style={{ color: colour }}>
              <NodeIcon kind={kind} size={16} />
            </span>
          ) : null}
          <div className="min-w-0 flex-1">
            {/* Wraps at hyphens and slashes where it can, anywhere where it must, so
                raw/inhouse-compounds and raw/inhouse-assays still differ; the tooltip has it whole. */}
            <span
              className="block overflow-hidden text-[13px] font-semibold leading-4 text-ink [overflow-wrap:anywhere]"
              style={{ display: "-webkit-box", WebkitBoxOrient: "vertical", WebkitLineClamp: titleLines }}
              title={title}
              data-export="title"
              data-testid="node-title"
            >
              {title}
            </span>
            {hasDetail ? (
              <div className="flex h-4 min-w-0 items-center gap-1 overflow-hidden text-[11px] leading-4 text-ink-muted">
                {/* The kind or version first (a version graph's boxes differ by it), cut short before the badges are. */}
                <span className="min-w-0 flex-1 truncate" data-export="subtitle">
                  {subtitle}
                </span>
                <NodeBadges node={node} isCompact />
                {/* Narrow boxes leave the way in to the panel's "Investigate why it failed". */}
                {isFrozen || data.compact.width < COMPACT_LINK_WIDTH ? null : <InvestigateLink node={node} />}
              </div>
            ) : null}
          </div>
        </div>
        <NodeHandles />
        <ExpandButton id={node.id} direction="upstream" count={hiddenUpstream} name={title} isCompact />
        <ExpandButton id={node.id} direction="downstream" count={hiddenDownstream} name={title} isCompact />
      </div>
    );
  }

  // A node with a field list keeps it when zoomed out: the fields are what the columns view is for.
  if (isZoomedOut && !below) {
    return (
      <div className={boxClasses} style={style} data-testid={testId} data-minimal="true">
        <div className="absolute inset-0 rounded-[inherit] opacity-15" style={{ background: colour }} aria-hidden="true" />
        <div className="relative flex h-full items-center gap-3 px-4">
          <span style={{ color: colour }}>
            <NodeIcon kind={kind} size={30} />
          </span>
          {/* Two lines that may break anywhere in a path-like name, then the full name on hover: the
              minimal form must still tell apart raw/inhouse-compounds and raw/inhouse-assays. With a
              detail (a version, a run's time), one line of name and one of detail. */}
          {minimalDetail ? (
            <span className="min-w-0 flex-1 text-[20px] font-bold leading-[1.15] text-ink" title={`${title} ${minimalDetail}`}>
              <span className="block truncate" data-testid="node-title">
                {title}
              </span>
              <span className="block truncate font-mono" data-testid="node-minimal-detail">
                {minimalDetail}
              </span>
            </span>
          ) : (
            <span className="line-clamp-2 min-w-0 flex-1 break-all text-[20px] font-bold leading-[1.15] text-ink" title={title} data-testid="node-title">
              {title}
            </span>
          )}
          {isFailed ? (
            <span data-testid="badge-failed" className="shrink-0 rounded bg-danger px-1.5 text-[16px] font-bold uppercase leading-6 text-white">
              failed
            </span>
          ) : null}
        </div>
        <NodeHandles />
      </div>
    );
  }

  return (
    <div className={boxClasses} style={style} data-testid={testId}>
      {isFocus ? (
        <span className="absolute -top-2.5 left-3 z-10 rounded bg-accent px-1.5 text-[10px] font-bold uppercase leading-4 tracking-wide text-accent-ink">
          focus
        </span>
      ) : null}
      <div className="absolute bottom-0 left-0 top-0 w-1.5 rounded-l-[7px]" style={{ background: colour }} aria-hidden="true" />
      <div className={cn("flex items-center gap-2 pl-4 pr-3", below ? "h-[70px]" : "h-full")}>
        <span
          className="flex h-7 w-7 shrink-0 items-center justify-center rounded-md"
          style={{ color: colour, background: `color-mix(in srgb, ${colour} 14%, transparent)` }}
        >
          <NodeIcon kind={kind} size={18} />
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-1.5">
            <span className="min-w-0 truncate text-[14px] font-semibold leading-[18px] text-ink" title={title} data-export="title" data-testid="node-title">
              {title}
            </span>
            {aside}
          </div>
          <div className="truncate text-[12px] leading-4 text-ink-muted" data-export="subtitle">
            {subtitle}
          </div>
          <div className="mt-0.5 flex min-w-0 items-center gap-1">
            <NodeBadges node={node} />
            {isFrozen ? null : <InvestigateLink node={node} />}
          </div>
        </div>
      </div>
      {below ? <div className="pl-1.5">{below}</div> : null}
      <NodeHandles />
      <ExpandButton id={node.id} direction="upstream" count={hiddenUpstream} name={title} />
      <ExpandButton id={node.id} direction="downstream" count={hiddenDownstream} name={title} />
    </div>
  );
}
