"use client";

import { useEffect, useState } from "react";
import type { LineageNode, NodeDetail } from "@/lib/lineage/types";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonLines } from "@/components/ui/skeleton";
import { errorMessage, fetchJson } from "@/components/api-client";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "@/components/lineage/node-icon";
import { ChangesSection } from "@/components/lineage/panel/changes-section";
import { HistorySection } from "@/components/lineage/panel/history-section";
import { JsonTree } from "@/components/lineage/panel/json-tree";
import { LineageSection } from "@/components/lineage/panel/lineage-section";
import { OverviewSection } from "@/components/lineage/panel/overview-section";
import { PanelSection } from "@/components/lineage/panel/panel-section";
import { TransformationSection } from "@/components/lineage/panel/transformation-section";
import { sharedNodeApiPath } from "@/lib/lineage/node-id";

export interface SharePanelProps {
  token: string;
  node: LineageNode;
  /** The snapshot holds this node's details (else only its graph summary is known). */
  hasDetail: boolean;
  /** Details already at hand (the page sends the first one with the HTML). */
  cache: Map<string, NodeDetail>;
  onClose: () => void;
  /** A node named in the panel: selected when it is in the snapshot, else explained. */
  onOpen: (id: string) => void;
}

/**
 * The side panel of a shared view: the explorer's panel sections over the snapshot's NodeDetail,
 * fetched from the share's own API (which answers only for nodes inside the snapshot).
 */
export function SharePanel({ token, node, hasDetail, cache, onClose, onOpen }: SharePanelProps) {
  const [state, setState] = useState<{ id: string; detail: NodeDetail | null; error: string | null }>(() => ({
    id: node.id,
    detail: cache.get(node.id) ?? null,
    error: null,
  }));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!hasDetail) return;
    const cached = cache.get(node.id);
    if (cached) {
      setState({ id: node.id, detail: cached, error: null });
      return;
    }
    const controller = new AbortController();
    setState({ id: node.id, detail: null, error: null });
    fetchJson<NodeDetail>(sharedNodeApiPath(token, node.id), controller.signal)
      .then((detail) => {
        cache.set(node.id, detail);
        setState({ id: node.id, detail, error: null });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ id: node.id, detail: null, error: errorMessage(error) });
      });
    return () => controller.abort();
  }, [token, node.id, hasDetail, cache, attempt]);

  const detail = state.id === node.id ? state.detail : null;
  const kind = visualKindOf(node.type, node.kind);

  return (
    <aside aria-label="Node details" data-testid="side-panel" data-node-id={node.id} className="flex h-full w-full flex-col border-l border-line bg-surface">
      <header className="flex items-start gap-3 border-b border-line px-4 py-3">
        <span
          className="mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-md"
          style={{ color: kindColour(kind), background: `color-mix(in srgb, ${kindColour(kind)} 14%, transparent)` }}
        >
          <NodeIcon kind={kind} size={20} />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-xs font-medium text-ink-muted">
            {nodeTypeLabel[node.type]} · {node.namespace}
          </p>
          <h2 className="break-words text-base font-semibold leading-snug text-ink" data-testid="side-panel-title">
            {node.name}
            {node.version && node.type !== "dataset" && node.type !== "job" ? <span className="font-mono text-sm font-normal text-ink-muted"> @{node.version}</span> : null}
          </h2>
        </div>
        <Button variant="ghost" size="icon" onClick={onClose} aria-label="Close details" data-testid="side-panel-close">
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M6 6l12 12M18 6 6 18" strokeLinecap="round" />
          </svg>
        </Button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {!hasDetail ? (
          <p className="p-4 text-sm text-ink-muted" data-testid="share-no-detail">
            This shared view holds too many nodes for every node&apos;s details to be frozen with it: only the focus and the selected node have them. What the graph shows about this node is all the link reveals.
          </p>
        ) : state.error && state.id === node.id ? (
          <div className="p-4">
            <ErrorState title="Could not load this node's details" message={state.error} onRetry={() => setAttempt((n) => n + 1)} compact />
          </div>
        ) : !detail ? (
          <div className="space-y-6 p-4">
            <SkeletonLines lines={4} label="Loading details" />
            <SkeletonLines lines={6} label="Loading transformation" />
          </div>
        ) : (
          <>
            <OverviewSection detail={detail} />
            <TransformationSection detail={detail} onOpen={onOpen} />
            <ChangesSection detail={detail} onOpenVersionGraph={onOpen} />
            <HistorySection detail={detail} onOpenVersionGraph={onOpen} />
            <LineageSection detail={detail} onOpen={onOpen} />
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
        )}
      </div>
    </aside>
  );
}
