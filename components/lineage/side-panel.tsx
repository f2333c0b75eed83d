"use client";

import { useCallback, useEffect, useRef } from "react";
import type { NodeDetail } from "@/lib/lineage/types";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton, SkeletonLines } from "@/components/ui/skeleton";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "./node-icon";
import { useApiResource } from "./use-api-resource";
import { ChangesSection } from "./panel/changes-section";
import { HistorySection } from "./panel/history-section";
import { JsonTree } from "./panel/json-tree";
import { LineageSection } from "./panel/lineage-section";
import { MetricsSection } from "./panel/metrics-section";
import { OverviewSection } from "./panel/overview-section";
import { PanelSection } from "./panel/panel-section";
import { RegistrySection } from "./panel/registry-section";
import { TransformationSection } from "./panel/transformation-section";
import { InvestigateSection } from "@/components/investigate/investigate-section";
import { nodeApiPath, runIdOf } from "@/lib/lineage/node-id";

export interface SidePanelProps {
  nodeId: string;
  isFocus: boolean;
  onClose: () => void;
  /** Open a node named in the panel: select it when it is on the canvas, else re-centre on it. */
  onOpenNode: (id: string) => void;
  /** Re-centre the graph on a node (a version or run opens its version graph). */
  onRecentre: (id: string) => void;
}

/**
 * Everything about the selected node: overview, the transformation that made it with its
 * parameters, its change history with reasons, its versions or runs, its direct lineage and its raw
 * facets. Loads on its own (skeleton, error with retry), independent of the canvas.
 */
export function SidePanel({ nodeId, isFocus, onClose, onOpenNode, onRecentre }: SidePanelProps) {
  const { data, error, errorStatus, isLoading, retry } = useApiResource<NodeDetail>(nodeApiPath(nodeId));
  const scrollRef = useRef<HTMLDivElement>(null);

  // A newly selected node starts at the top of its panel.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [nodeId]);

  const jumpTo = useCallback((sectionId: string) => {
    document.getElementById(sectionId)?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, []);

  const detail = data;
  const kind = detail ? visualKindOf(detail.node.type, detail.node.kind) : null;
  const hasHistory = detail?.node.type === "dataset" || detail?.node.type === "job";

  return (
    <aside
      aria-label="Node details"
      data-testid="side-panel"
      data-node-id={nodeId}
      className="flex h-full w-full flex-col border-l border-line bg-surface"
    >
      <header className="flex items-start gap-3 border-b border-line px-4 py-3">
        {detail && kind ? (
          <span
            className="mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-md"
            style={{ color: kindColour(kind), background: `color-mix(in srgb, ${kindColour(kind)} 14%, transparent)` }}
          >
            <NodeIcon kind={kind} size={20} />
          </span>
        ) : (
          <Skeleton className="h-9 w-9 shrink-0" />
        )}
        <div className="min-w-0 flex-1">
          {detail ? (
            <>
              <p className="text-xs font-medium text-ink-muted">
                {nodeTypeLabel[detail.node.type]} · {detail.node.namespace}
              </p>
              <h2 className="break-words text-base font-semibold leading-snug text-ink" data-testid="side-panel-title">
                {detail.node.name}
                {detail.node.version && detail.node.type === "datasetVersion" ? (
                  <span className="font-mono text-sm font-normal text-ink-muted"> @{detail.node.version}</span>
                ) : null}
                {detail.node.type === "run" ? (
                  <span className="font-mono text-sm font-normal text-ink-muted" title={nodeId}> run {runIdOf(nodeId).slice(0, 8)}</span>
                ) : null}
              </h2>
            </>
          ) : (
            <div className="space-y-1.5 pt-0.5">
              <Skeleton className="h-3 w-24" />
              <Skeleton className="h-4 w-48" />
            </div>
          )}
        </div>
        <Button variant="ghost" size="icon" onClick={onClose} aria-label="Close details" data-testid="side-panel-close">
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M6 6l12 12M18 6 6 18" strokeLinecap="round" />
          </svg>
        </Button>
      </header>

      {detail ? (
        <div className="flex flex-wrap items-center gap-1.5 border-b border-line px-4 py-2">
          {!isFocus ? (
            <Button size="sm" variant="secondary" onClick={() => onRecentre(nodeId)} data-testid="recentre-button">
              Centre graph here
            </Button>
          ) : null}
          <nav aria-label="Panel sections" className="flex flex-wrap gap-0.5">
            {[
              ["panel-overview", "Overview"],
              ["panel-transformation", "Transformation"],
              ["panel-changes", "Changes"],
              ...(hasHistory ? [["panel-history", detail.node.type === "dataset" ? "Versions" : "Runs"]] : []),
              ["panel-lineage", "Lineage"],
              ["panel-raw", "Raw"],
            ].map(([id, label]) => (
              <button
                key={id}
                type="button"
                onClick={() => jumpTo(id)}
                className="rounded px-1.5 py-0.5 text-xs font-medium text-ink-muted hover:bg-surface-muted hover:text-ink"
              >
                {label}
              </button>
            ))}
          </nav>
        </div>
      ) : null}

      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto">
        {isLoading ? (
          <div className="space-y-6 p-4">
            <SkeletonLines lines={4} label="Loading details" />
            <SkeletonLines lines={6} label="Loading transformation" />
            <SkeletonLines lines={3} label="Loading changes" />
          </div>
        ) : error ? (
          <div className="p-4">
            {errorStatus === 404 ? (
              <EmptyState compact title="This node is not in the store">
                <span className="break-all font-mono text-xs">{nodeId}</span>
              </EmptyState>
            ) : (
              <ErrorState title="Could not load this node's details" message={error} onRetry={retry} compact />
            )}
          </div>
        ) : detail ? (
          <>
            <OverviewSection detail={detail} />
            <InvestigateSection node={detail.node} />
            <RegistrySection detail={detail} />
            <TransformationSection detail={detail} onOpen={onOpenNode} />
            <MetricsSection detail={detail} />
            <ChangesSection detail={detail} onOpenVersionGraph={onRecentre} />
            <HistorySection detail={detail} onOpenVersionGraph={onRecentre} />
            <LineageSection detail={detail} onOpen={onOpenNode} />
            <PanelSection id="panel-raw" title="Raw facets" count={Object.keys(detail.facets).length} testId="section-raw">
              {Object.keys(detail.facets).length === 0 ? (
                <p className="text-sm text-ink-muted">No facets recorded.</p>
              ) : (
                <details>
                  <summary className="cursor-pointer text-sm font-medium text-ink hover:text-accent">Show the raw facets as sent in events</summary>
                  <div className="mt-2 overflow-x-auto rounded-md bg-surface-muted p-2">
                    {Object.entries(detail.facets).map(([name, facet]) => (
                      <JsonTree key={name} label={name} value={facet} defaultOpenDepth={0} />
                    ))}
                  </div>
                </details>
              )}
            </PanelSection>
          </>
        ) : null}
      </div>
    </aside>
  );
}
