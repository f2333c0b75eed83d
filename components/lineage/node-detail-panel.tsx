"use client";

import { memo, type ReactNode } from "react";
import type { LineageNode, NodeDetail } from "@/lib/lineage/types";
import { runIdOf } from "@/lib/lineage/node-id";
import { CloseButton } from "@/components/ui/close-button";
import { Skeleton } from "@/components/ui/skeleton";
import { NodeIcon, kindColour, nodeTypeLabel, visualKindOf } from "./node-icon";
import { ChangesSection } from "./panel/changes-section";
import { HistorySection } from "./panel/history-section";
import { JsonTree } from "./panel/json-tree";
import { LineageSection } from "./panel/lineage-section";
import { MetricsSection } from "./panel/metrics-section";
import { OverviewSection } from "./panel/overview-section";
import { SchemaSection } from "./panel/schema-section";
import { PanelSection } from "./panel/panel-section";
import { RegistrySection } from "./panel/registry-section";
import { TransformationSection } from "./panel/transformation-section";
import type { PageLoader } from "./panel/use-paged-list";

/**
 * Where a canvas's side panel sits: beside the canvas from 1024 px up, so it shrinks the canvas and
 * never covers it; on top of the canvas on narrower screens. 360 px below 1280 (420 from it): at
 * 1024×768 that leaves the canvas 664 px, room for five compact columns with 13 px titles.
 */
export function SidePanelSlot({ children }: { children: ReactNode }) {
  return (
    <div className="absolute inset-y-0 right-0 z-20 w-full max-w-[440px] shadow-overlay lg:static lg:w-[360px] lg:max-w-none lg:shrink-0 lg:shadow-none xl:w-[420px]" data-testid="side-panel-slot">
      {children}
    </div>
  );
}

/**
 * The one node-detail panel: the frame, the header (what the node is) and the sections (overview,
 * registry, transformation, metrics, changes, versions or runs, lineage, raw facets) over a NodeDetail. The explorer's
 * side panel (live or as of an event) and a share link's panel (the frozen snapshot) both render
 * it, so a node reads the same in both; each passes what only it has (`actions`, `extra`).
 */

type HeaderNode = Pick<LineageNode, "id" | "type" | "namespace" | "name" | "version" | "kind">;

export interface NodeDetailPanelProps {
  nodeId: string;
  /** What the header names: the detail's node, or the graph's summary while the detail loads (null: a skeleton). */
  node: HeaderNode | null;
  onClose: () => void;
  /** A strip under the header (the explorer's "Centre graph here" and section links). */
  actions?: ReactNode;
  /** The body: NodeDetailSections, a skeleton, or a message. */
  children: ReactNode;
  /** Lets the owner scroll the body (a new node starts at the top). */
  scrollRef?: React.Ref<HTMLDivElement>;
}

export function NodeDetailPanel({ nodeId, node, onClose, actions, children, scrollRef }: NodeDetailPanelProps) {
  return (
    <aside aria-label="Node details" data-testid="side-panel" data-node-id={nodeId} className="flex h-full w-full flex-col border-l border-line bg-surface">
      <header className="flex items-start gap-3 border-b border-line px-4 py-3">
        {node ? <KindIcon node={node} /> : <Skeleton className="h-9 w-9 shrink-0" />}
        <div className="min-w-0 flex-1">
          {node ? (
            <>
              <p className="text-xs font-medium text-ink-muted">
                {nodeTypeLabel[node.type]} · {node.namespace}
              </p>
              <h2 className="break-words text-base font-semibold leading-snug text-ink" data-testid="side-panel-title">
                {node.name}
                {node.version && node.type === "datasetVersion" ? <span className="font-mono text-sm font-normal text-ink-muted"> @{node.version}</span> : null}
                {node.type === "run" ? (
                  <span className="font-mono text-sm font-normal text-ink-muted" title={node.id}>
                    {" "}
                    run {runIdOf(node.id).slice(0, 8)}
                  </span>
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
        <CloseButton label="Close details" onClick={onClose} testId="side-panel-close" />
      </header>
      {actions}
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto">
        {children}
      </div>
    </aside>
  );
}

function KindIcon({ node }: { node: HeaderNode }) {
  const kind = visualKindOf(node.type, node.kind);
  return (
    <span
      className="mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-md"
      style={{ color: kindColour(kind), background: `color-mix(in srgb, ${kindColour(kind)} 14%, transparent)` }}
    >
      <NodeIcon kind={kind} size={20} />
    </span>
  );
}

export interface NodeDetailSectionsProps {
  detail: NodeDetail;
  /** A node named in a section (an input, an output, a neighbour). */
  onOpenNode: (id: string) => void;
  /** A version or run named in the history: its version graph. */
  onOpenVersionGraph: (id: string) => void;
  /** Sections only one panel has (the explorer's Investigate section), placed after the overview. */
  extra?: ReactNode;
  /** The next page of a long list ("Show more"); absent where there is nothing to ask (a share's snapshot). */
  loadPage?: PageLoader;
}

/** Every section of a node's details, in the one order both panels use. */
export const NodeDetailSections = memo(function NodeDetailSections({ detail, onOpenNode, onOpenVersionGraph, extra, loadPage }: NodeDetailSectionsProps) {
  const facetNames = Object.keys(detail.facets);
  return (
    <>
      <OverviewSection detail={detail} />
      <SchemaSection detail={detail} />
      {extra}
      <RegistrySection detail={detail} />
      <TransformationSection detail={detail} onOpen={onOpenNode} loadPage={loadPage} />
      <MetricsSection detail={detail} />
      <ChangesSection detail={detail} onOpenVersionGraph={onOpenVersionGraph} />
      <HistorySection detail={detail} onOpenVersionGraph={onOpenVersionGraph} loadPage={loadPage} />
      <LineageSection detail={detail} onOpen={onOpenNode} loadPage={loadPage} />
      <PanelSection id="panel-raw" title="Raw facets" count={facetNames.length} testId="section-raw">
        {facetNames.length === 0 ? (
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
  );
});
