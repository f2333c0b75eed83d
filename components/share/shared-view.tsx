"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import type { MorePlaceholder, NodeDetail } from "@/lib/lineage/types";
import type { SharedView } from "@/lib/schemas/share";
import { structureKey, toFlowElements, toLayoutInput, type FlowEdge } from "@/lib/lineage/flow-mapping";
import { findHighlightedPaths } from "@/lib/lineage/highlight";
import { buildAdjacency } from "@/lib/lineage/neighbours";
import { nodeTitle } from "@/lib/lineage/node-title";
import { ErrorState } from "@/components/ui/error-state";
import { CanvasLegend } from "@/components/lineage/canvas-legend";
import { SidePanelSlot } from "@/components/lineage/node-detail-panel";
import { LineageCanvas } from "@/components/lineage/lineage-canvas";
import { useGraphLayout } from "@/components/lineage/use-graph-layout";
import { useFullscreen } from "@/components/lineage/use-fullscreen";
import { ShareBanner } from "./share-banner";
import { ExportMenu } from "@/components/export/export-menu";
import { FrozenViewContext } from "@/components/lineage/frozen-view";
import { SharePanel } from "./share-panel";

/** A frozen view has nothing hidden to expand: no "+N" on any node. */
const NOTHING_HIDDEN = new Map<string, { upstream: number; downstream: number }>();
const NO_PLACEHOLDERS: readonly MorePlaceholder[] = [];

/**
 * A shared view: the explorer's canvas over the frozen graph only (no expansion, no re-centring,
 * nothing fetched but the snapshot's own node details), the share's banner, a read-only panel, and
 * the snapshot's exports. Frozen: nothing on it links out of the snapshot.
 */
export function SharedViewer({ token, view, initialDetail }: { token: string; view: SharedView; initialDetail: NodeDetail | null }) {
  const { graph } = view;
  const [selectedId, setSelectedId] = useState<string | null>(view.selectedId ?? graph.focus);
  const [notice, setNotice] = useState<string | null>(null);
  const { ref: containerRef, isFullscreen, toggle: onToggleFullscreen } = useFullscreen<HTMLDivElement>();
  const cache = useMemo(() => {
    const map = new Map<string, NodeDetail>();
    if (initialDetail) map.set(initialDetail.node.id, initialDetail);
    return map;
  }, [initialDetail]);

  const nodesById = useMemo(() => new Map(graph.nodes.map((node) => [node.id, node])), [graph.nodes]);
  const detailIds = useMemo(() => new Set(view.detailIds), [view.detailIds]);
  // The "N more" placeholders the screen showed when it was shared: the leaves behind them are not in the snapshot.
  const frozen = useMemo(() => ({ nodes: graph.nodes, edges: graph.edges, more: graph.more ?? NO_PLACEHOLDERS }), [graph]);

  const layoutInput = useMemo(() => toLayoutInput(frozen.nodes, frozen.edges, frozen.more), [frozen]);
  const layoutKey = useMemo(() => structureKey(layoutInput), [layoutInput]);
  const layout = useGraphLayout(layoutInput, layoutKey);
  const adjacency = useMemo(() => buildAdjacency(graph), [graph]);
  const highlight = useMemo(
    () => (selectedId ? findHighlightedPaths(graph.nodes.map((node) => node.id), graph.edges, selectedId) : null),
    [graph, selectedId],
  );
  const flow = useMemo(() => {
    if (!layout.layout) return { nodes: [], edges: [] as FlowEdge[] };
    const elements = toFlowElements(frozen, { focusId: graph.focus, selectedId, highlight, hidden: NOTHING_HIDDEN, positions: layout.layout.positions, routes: layout.layout.routes });
    const back = new Set(layout.layout.backEdges);
    if (back.size > 0) {
      elements.edges = elements.edges.map((edge) => (back.has(edge.id) ? { ...edge, className: [edge.className, "tl-edge-back"].filter(Boolean).join(" ") } : edge));
    }
    return elements;
  }, [frozen, graph.focus, selectedId, highlight, layout.layout]);

  const onSelect = useCallback((id: string | null) => {
    setNotice(null);
    setSelectedId(id);
  }, []);

  const onShowMore = useCallback(
    (placeholderId: string) => {
      const hidden = frozen.more.find((more) => more.id === placeholderId)?.hiddenCount ?? 0;
      setNotice(`These ${hidden} nodes were folded away on the screen this was shared from, so they are not in the snapshot.`);
    },
    [frozen.more],
  );

  const onOpen = useCallback(
    (id: string) => {
      if (nodesById.has(id)) onSelect(id);
      else setNotice("That node is outside this shared view: a share shows only what was frozen into it.");
    },
    [nodesById, onSelect],
  );


  const selectedNode = selectedId ? nodesById.get(selectedId) ?? null : null;
  // The snapshot's files are of the share's own view at the share's head.
  const { share } = view;
  const point = useMemo(() => ({ seq: share.head.seq, hash: share.head.hash, time: graph.point?.time ?? null, isAsOf: true }), [share.head, graph.point]);
  const exportView = useMemo(
    () => ({ node: share.view.node, depth: share.view.depth, direction: share.view.direction, limit: share.view.limit, expand: share.view.expand, more: share.view.more, selected: share.view.selected }),
    [share.view],
  );
  const focusNode = nodesById.get(graph.focus);
  const focusLabel = focusNode ? nodeTitle(focusNode, "@") : graph.focus;

  return (
    <FrozenViewContext.Provider value={true}>
    <div ref={containerRef} className="tl-explorer flex h-[calc(100dvh-3.5rem)] flex-col" data-testid="shared-view">
      <ShareBanner view={view} />
      {graph.truncated ? (
        <p role="status" className="border-b border-warning/30 bg-warning-soft px-4 py-1.5 text-xs text-ink">
          The view this was shared from reached its node budget, so the frozen graph does not hold every neighbour.
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="border-b border-line bg-info-soft px-4 py-1.5 text-xs text-ink" data-testid="share-notice">
          {notice}
        </p>
      ) : null}
      <div className="relative flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1 bg-canvas">
          {layout.error && flow.nodes.length === 0 ? (
            <div className="flex h-full items-center justify-center p-6">
              <ErrorState title="Could not lay out this view" message={layout.error} />
            </div>
          ) : (
            <ReactFlowProvider>
              <LineageCanvas
                nodes={flow.nodes}
                edges={flow.edges}
                focusId={graph.focus}
                selectedId={selectedId}
                adjacency={adjacency}
                onSelect={onSelect}
                onRecentre={onSelect}
                onShowMore={onShowMore}
                onToggleFullscreen={onToggleFullscreen}
                isFullscreen={isFullscreen}
                viewKey={graph.focus}
              />
              <CanvasLegend />
              <ExportMenu view={exportView} point={point} focusLabel={focusLabel} shareToken={token} />
            </ReactFlowProvider>
          )}
        </div>
        {selectedNode ? (
          <SidePanelSlot>
            <SharePanel
              key={selectedNode.id}
              token={token}
              node={selectedNode}
              hasDetail={detailIds.has(selectedNode.id)}
              cache={cache}
              onClose={() => onSelect(null)}
              onOpen={onOpen}
            />
          </SidePanelSlot>
        ) : null}
      </div>
    </div>
    </FrozenViewContext.Provider>
  );
}
