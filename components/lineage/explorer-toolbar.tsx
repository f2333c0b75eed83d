"use client";

import type { ReactNode } from "react";
import type { Direction, Granularity, LineageNode } from "@/lib/lineage/types";
import { MAX_DEPTH, MIN_DEPTH } from "@/lib/lineage/url-state";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "./node-icon";

interface SegmentOption<T extends string> {
  value: T;
  label: string;
  title?: string;
}

/** The two granularities of the same graph (module scope: the same options every render). */
const GRANULARITY_OPTIONS: readonly SegmentOption<Granularity>[] = [
  { value: "entity", label: "Entity graph", title: "Datasets and jobs: the map of the pipeline" },
  { value: "version", label: "Version graph", title: "Dataset versions and runs: exactly what made one artefact" },
];

const DIRECTION_OPTIONS: readonly SegmentOption<Direction>[] = [
  { value: "upstream", label: "Upstream", title: "Where it came from" },
  { value: "both", label: "Both" },
  { value: "downstream", label: "Downstream", title: "What was made from it" },
];

function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: readonly SegmentOption<T>[];
  onChange: (value: T) => void;
  testId: string;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-line bg-surface-muted p-0.5" data-testid={testId}>
      {options.map((option) => {
        const isActive = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            aria-pressed={isActive}
            title={option.title}
            onClick={() => {
              if (!isActive) onChange(option.value);
            }}
            className={cn(
              "rounded px-2.5 py-1 text-xs font-medium transition-colors",
              isActive ? "bg-surface text-ink shadow-card" : "text-ink-muted hover:text-ink",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}

export interface ExplorerToolbarProps {
  focus: LineageNode | null;
  focusId: string;
  view: Granularity;
  direction: Direction;
  depth: number;
  nodeCount: number;
  /** Nodes loaded for the view; more than nodeCount when "N more" placeholders hide some. */
  loadedCount?: number;
  edgeCount: number;
  isBusy: boolean;
  onViewChange: (view: Granularity) => void;
  onDirectionChange: (direction: Direction) => void;
  /** One hop more (+1) or less (-1), counted from the depth last asked for: quick clicks add up. */
  onDepthStep: (delta: 1 | -1) => void;
  /** Columns view: dataset nodes open into their fields (entity graph only). */
  columns: boolean;
  onColumnsChange: (columns: boolean) => void;
  /** Buttons at the end of the toolbar (Share). */
  actions?: ReactNode;
}

/** The controls above the canvas: what is in focus, entity/version view, direction, depth, tables or columns. */
export function ExplorerToolbar({
  focus,
  focusId,
  view,
  direction,
  depth,
  nodeCount,
  loadedCount,
  edgeCount,
  isBusy,
  onViewChange,
  onDirectionChange,
  onDepthStep,
  columns,
  onColumnsChange,
  actions,
}: ExplorerToolbarProps) {
  const kind = focus ? visualKindOf(focus.type, focus.kind) : null;
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-line bg-surface px-4 py-2" data-testid="explorer-toolbar">
      <div className="flex min-w-0 items-center gap-2">
        {kind ? (
          <span style={{ color: kindColour(kind) }}>
            <NodeIcon kind={kind} size={18} />
          </span>
        ) : null}
        <div className="min-w-0">
          <p className="text-[11px] font-medium uppercase tracking-wide text-ink-faint">{focus ? `Lineage of ${nodeTypeLabel[focus.type].toLowerCase()}` : "Lineage"}</p>
          <h1 className="max-w-[28rem] truncate text-sm font-semibold text-ink" title={focus ? `${focus.namespace}/${focus.name}` : focusId} data-testid="focus-title">
            {focus ? focus.name : focusId}
            {focus?.version && focus.type !== "dataset" ? <span className="font-mono font-normal text-ink-muted"> @{focus.version}</span> : null}
          </h1>
        </div>
      </div>

      <Segmented
        label="Granularity"
        testId="view-toggle"
        value={view}
        onChange={onViewChange}
        options={GRANULARITY_OPTIONS}
      />

      <Segmented
        label="Direction"
        testId="direction-toggle"
        value={direction}
        onChange={onDirectionChange}
        options={DIRECTION_OPTIONS}
      />

      <div className="flex items-center gap-1.5" role="group" aria-label="Depth">
        <span className="text-xs font-medium text-ink-muted" id="depth-label">
          Depth
        </span>
        <Button size="icon" className="h-7 w-7" onClick={() => onDepthStep(-1)} disabled={depth <= MIN_DEPTH} aria-label="Decrease depth" data-testid="depth-decrease">
          −
        </Button>
        <output aria-labelledby="depth-label" className="w-5 text-center text-sm font-semibold tabular-nums text-ink" data-testid="depth-value">
          {depth}
        </output>
        <Button size="icon" className="h-7 w-7" onClick={() => onDepthStep(1)} disabled={depth >= MAX_DEPTH} aria-label="Increase depth" data-testid="depth-increase">
          +
        </Button>
      </div>

      <button
        type="button"
        aria-pressed={columns && view === "entity"}
        onClick={() => onColumnsChange(!(columns && view === "entity"))}
        title={view === "entity" ? "Open datasets into their fields: which source columns made each field" : "Columns show in the entity graph"}
        className={cn(
          "rounded-md border px-2.5 py-1 text-xs font-medium transition-colors",
          columns && view === "entity" ? "border-accent bg-accent-soft text-accent" : "border-line bg-surface-muted text-ink-muted hover:text-ink",
        )}
        data-testid="columns-toggle"
      >
        Columns
      </button>

      <p className="ml-auto flex items-center gap-2 text-xs text-ink-muted" aria-live="polite">
        {isBusy ? (
          <span className="inline-flex items-center gap-1.5 text-accent">
            <span className="h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden="true" />
            Loading…
          </span>
        ) : null}
        <span data-testid="view-counts">
          {loadedCount !== undefined && loadedCount > nodeCount ? `${nodeCount} of ${loadedCount} nodes shown` : `${nodeCount} nodes`} · {edgeCount} edges
        </span>
      </p>
      {actions}
    </div>
  );
}
