"use client";

import { useEffect, useState } from "react";
import type { LineageNode, NodeDetail } from "@/lib/lineage/types";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonLines } from "@/components/ui/skeleton";
import { errorMessage, fetchJson } from "@/components/api-client";
import { NodeDetailPanel, NodeDetailSections } from "@/components/lineage/node-detail-panel";
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
 * The side panel of a shared view: the explorer's node-detail panel over the snapshot's NodeDetail,
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

  return (
    <NodeDetailPanel nodeId={node.id} node={node} onClose={onClose}>
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
        <NodeDetailSections detail={detail} onOpenNode={onOpen} onOpenVersionGraph={onOpen} />
      )}
    </NodeDetailPanel>
  );
}
