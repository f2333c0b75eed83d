"use client";

import { useCallback, useEffect, useRef } from "react";
import type { DetailListPage, NodeDetail } from "@/lib/lineage/types";
import { fetchJson } from "@/components/api-client";
import type { PageLoader } from "./panel/use-paged-list";
import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";
import { investigateHref } from "@/components/investigate/investigate-href";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonLines } from "@/components/ui/skeleton";
import { useApiResource } from "./use-api-resource";
import { NodeDetailPanel, NodeDetailSections } from "./node-detail-panel";
import { InvestigateSection } from "@/components/investigate/investigate-section";
import { nodeApiPath } from "@/lib/lineage/node-id";

export interface SidePanelProps {
  nodeId: string;
  /** The view's as-of point: the details as of that event (absent: now). */
  asOf?: string;
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
 * facets. Loads on its own (skeleton, error with retry), independent of the canvas. In an as-of view
 * every part of it is as of that event (the Investigate section, which acts on the present, is left
 * out there).
 */
export function SidePanel({ nodeId, asOf, isFocus, onClose, onOpenNode, onRecentre }: SidePanelProps) {
  const { data, error, errorStatus, isLoading, retry } = useApiResource<NodeDetail>(nodeApiPath(nodeId, asOf));
  const scrollRef = useRef<HTMLDivElement>(null);

  // A newly selected node starts at the top of its panel.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [nodeId]);

  // Scrolls the panel's own list, never the page: scrollIntoView would also scroll every scrollable
  // ancestor, the document included, pushing the toolbar out of sight.
  const jumpTo = useCallback((sectionId: string) => {
    const list = scrollRef.current;
    const section = list?.querySelector<HTMLElement>(`#${CSS.escape(sectionId)}`);
    if (!list || !section) return;
    const top = section.getBoundingClientRect().top - list.getBoundingClientRect().top + list.scrollTop;
    list.scrollTo({ top, behavior: "smooth" });
  }, []);

  // Further pages of the details' long lists ("Show more"), as of the same point.
  const loadPage = useCallback<PageLoader>(
    (list, cursor) => {
      const path = nodeApiPath(nodeId, asOf);
      return fetchJson<DetailListPage>(`${path}${path.includes("?") ? "&" : "?"}list=${list}&cursor=${encodeURIComponent(cursor)}`);
    },
    [nodeId, asOf],
  );

  const detail = data;
  const hasHistory = detail?.node.type === "dataset" || detail?.node.type === "job";
  // A failed version or run offers its investigation at the top, beside what failed, not only in the Investigate section below.
  const canInvestigate = !!detail && (detail.node.type === "datasetVersion" || detail.node.type === "run") && (detail.node.isFailed || detail.node.state === "FAILED");

  return (
    <NodeDetailPanel
      nodeId={nodeId}
      node={detail?.node ?? null}
      onClose={onClose}
      scrollRef={scrollRef}
      actions={
        detail ? (
          <div className="flex flex-wrap items-center gap-1.5 border-b border-line px-4 py-2">
            {!isFocus ? (
              <Button size="sm" variant="secondary" onClick={() => onRecentre(nodeId)} data-testid="recentre-button">
                Centre graph here
              </Button>
            ) : null}
            {canInvestigate ? (
              <Link href={investigateHref(nodeId, { asOf: asOf ?? null })} className={buttonClasses("danger", "sm")} data-testid="panel-investigate-link">
                Investigate why it failed
              </Link>
            ) : null}
            <nav aria-label="Panel sections" className="flex flex-wrap gap-0.5">
              {[
                ["panel-overview", "Overview"],
                ...(detail.schema.length > 0 ? [["panel-schema", "Schema"]] : []),
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
        ) : null
      }
    >
      {detail?.point?.isAsOf ? (
        <p className="border-b border-warning/30 bg-warning-soft px-4 py-1.5 text-xs text-ink" data-testid="side-panel-as-of">
          As of event #{detail.point.seq}: versions, runs and changes made later are not shown.
        </p>
      ) : null}
      {isLoading ? (
        <div className="space-y-6 p-4">
          <SkeletonLines lines={4} label="Loading details" />
          <SkeletonLines lines={6} label="Loading transformation" />
          <SkeletonLines lines={3} label="Loading changes" />
        </div>
      ) : error ? (
        <div className="p-4">
          {errorStatus === 404 ? (
            <EmptyState compact title={asOf ? "This node did not exist yet as of this event" : "This node is not in the store"}>
              <span className="break-all font-mono text-xs">{nodeId}</span>
            </EmptyState>
          ) : (
            <ErrorState title="Could not load this node's details" message={error} onRetry={retry} compact />
          )}
        </div>
      ) : detail ? (
        <NodeDetailSections
          detail={detail}
          onOpenNode={onOpenNode}
          onOpenVersionGraph={onRecentre}
          extra={detail.point?.isAsOf ? null : <InvestigateSection node={detail.node} versions={detail.versions} />}
          loadPage={loadPage}
        />
      ) : null}
    </NodeDetailPanel>
  );
}
