"use client";

import { ReactFlowProvider, type Edge, type Node } from "@xyflow/react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Direction, Granularity, LineageGraph, NodeDetail, StartingPoints } from "@/lib/lineage/types";
import { nodeApiPath, nodeId as makeNodeId } from "@/lib/lineage/node-id";
import { toFlowElements, toLayoutInput, structureKey, NODE_SIZE, type FlowEdge, type NodeSize } from "@/lib/lineage/flow-mapping";
import type { ColumnLineageGraph, DatasetFieldSummary } from "@/lib/lineage/columns";
import { FIELDS_SHOWN, FIELDS_STEP, fieldListHeight, fieldPathOnGraph } from "@/lib/lineage/columns-view";
import { foldView, showMoreOf } from "@/lib/lineage/fan-out";
import { findHighlightedPaths } from "@/lib/lineage/highlight";
import { buildAdjacency, countHiddenNeighbours, framedNear, mergeGraphs } from "@/lib/lineage/neighbours";
import { framesOf } from "@/lib/lineage/framing";
import { MAX_DEPTH, MIN_DEPTH, granularityOf, recentre, type ExplorerState } from "@/lib/lineage/url-state";
import { nodeTitle } from "@/lib/lineage/node-title";
import { explorerApiUrls, fixedViewAddress, isReadWithPage, readExplorerAddress, viewQueryParams, MAX_FIELD_DATASETS, VIEW_DEFAULT_LIMIT } from "@/lib/schemas/view-query";
import { ViewAddressProblems } from "@/components/view/view-address-problems";
import { AsOfBanner } from "@/components/view/as-of-banner";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonLines } from "@/components/ui/skeleton";
import { errorMessage } from "@/components/api-client";
import { ExplorerActionsContext, type ExplorerActions } from "./explorer-actions";
import { ExplorerToolbar } from "./explorer-toolbar";
import { LineageCanvas } from "./lineage-canvas";
import { CanvasLegend } from "./canvas-legend";
import { SidePanelSlot } from "./node-detail-panel";
import { ShareButton } from "@/components/share/share-button";
import { ExportMenu } from "@/components/export/export-menu";
import { AsOfControl } from "@/components/investigate/as-of-control";
import { fetchCached, preloadResource, PrefetchedResources, useApiResource, useApiResources } from "./use-api-resource";
import { useGraphLayout, warmLayoutWorker, WORKER_THRESHOLD } from "./use-graph-layout";
import { useFullscreen } from "./use-fullscreen";
import { FirstFrameScript, useIsServerRender } from "./first-frame";

/** The panels while their code loads (the first selection of a page that opened without one). */
function PanelLoading() {
  return (
    <div className="h-full space-y-6 border-l border-line bg-surface p-4">
      <SkeletonLines lines={4} label="Loading details" />
      <SkeletonLines lines={6} label="Loading transformation" />
    </div>
  );
}
// Loaded when first shown, so an explorer opened without a selection (or on a node) hydrates
// without their code; a page that opens with one shows it from the server's HTML as before.
const SidePanel = dynamic(() => import("./side-panel").then((m) => m.SidePanel), { loading: PanelLoading });
const FieldPanel = dynamic(() => import("./field-panel").then((m) => m.FieldPanel), { loading: PanelLoading });
const ExplorerStart = dynamic(() => import("./explorer-start").then((m) => m.ExplorerStart));

/**
 * A page load on a view the page does not read on the server (past the default budget: up to
 * 5,000 nodes) asks for it as this code first runs, before React hydrates the page, and starts the
 * layout worker meanwhile: hydration and the worker's start overlap the request instead of preceding
 * it. Not from the page's head (a preload link): sent with the page's scripts, it held them back,
 * the server answering it on the thread that serves them (docs/benchmarks.md).
 */
function startFirstViewEarly(): void {
  if (window.location.pathname !== "/lineage") return;
  const address = readExplorerAddress(new URLSearchParams(window.location.search));
  if ("problems" in address || !address.state.node) return;
  const state = { ...address.state, node: address.state.node };
  if (state.view !== granularityOf(state.node) || isReadWithPage(state)) return;
  // The worker's code first: the server sends it before it reads the view.
  warmLayoutWorker();
  const urls = explorerApiUrls(state);
  for (const url of [urls.graph, ...urls.expansions]) preloadResource(url);
}
if (typeof window !== "undefined") startFirstViewEarly();

/** Most nodes one view asks the server for; a bigger neighbourhood comes back truncated. */
export const NODE_BUDGET = VIEW_DEFAULT_LIMIT;

/** The fields of a view's datasets, for the columns view. */
function datasetFieldsUrl(datasetIds: readonly string[], asOf?: string): string {
  const params = new URLSearchParams();
  for (const id of datasetIds) params.append("dataset", id);
  if (asOf) params.set("asOf", asOf);
  return `/api/v1/column-lineage/fields?${params.toString()}`;
}

/** A field's column-lineage path both ways (the whole of it, within the API's default depth). */
export function fieldLineageUrl(fieldId: string, asOf?: string): string {
  const params = new URLSearchParams({ nodeId: fieldId, withDownstream: "true" });
  if (asOf) params.set("asOf", asOf);
  return `/api/v1/column-lineage?${params.toString()}`;
}

type Navigate = (next: ExplorerState, mode?: "push" | "replace") => void;

/** An API answer the page read on the server for the first view, by the address the explorer asks. */
export interface PrefetchedView {
  url: string;
  data: LineageGraph;
}

/**
 * The lineage page: reads its whole state from the address (focus, depth, direction, view,
 * selection, expansions) and writes every change back to it, so a copied address reproduces the
 * view and back/forward walk through re-centrings, depth and direction changes and expansions.
 * Selection uses replace: clicking around a view does not flood the history.
 */
export function LineageExplorer({
  prefetched = NO_PREFETCH,
  startingPoints = null,
  nonce,
}: {
  prefetched?: PrefetchedView[];
  startingPoints?: StartingPoints | null;
  /** The page's Content-Security-Policy nonce, for the first view's inline first-frame script. */
  nonce?: string;
}) {
  const router = useRouter();
  const searchParams = useSearchParams();
  const address = useMemo(() => readExplorerAddress(searchParams), [searchParams]);

  const navigate: Navigate = useCallback(
    (next, mode = "push") => {
      if (!next.node) return;
      const href = `/lineage?${viewQueryParams({ ...next, node: next.node }).toString()}`;
      if (mode === "push") router.push(href, { scroll: false });
      else router.replace(href, { scroll: false });
    },
    [router],
  );

  const prefetchedByUrl = useMemo(() => new Map(prefetched.map((view) => [view.url, view.data])), [prefetched]);

  if ("problems" in address) {
    const fixed = fixedViewAddress(searchParams);
    return <ViewAddressProblems problems={address.problems} fixedHref={fixed ? `/lineage?${fixed.toString()}` : undefined} />;
  }
  const { state } = address;
  if (!state.node) return <ExplorerStart points={startingPoints} />;
  return (
    <PrefetchedResources.Provider value={prefetchedByUrl}>
      <ExplorerView state={state as ExplorerState & { node: string }} navigate={navigate} nonce={nonce} />
    </PrefetchedResources.Provider>
  );
}

const NO_PREFETCH: PrefetchedView[] = [];

function ExplorerView({ state, navigate: navigateTo, nonce }: { state: ExplorerState & { node: string }; navigate: Navigate; nonce: string | undefined }) {
  // The state the next change builds on: the address's, or the one just asked for while the
  // address has not caught up yet (two quick clicks on "depth +" make depth + 2, not + 1).
  const stateRef = useRef(state);
  const addressState = useRef(state);
  if (addressState.current !== state) {
    addressState.current = state;
    stateRef.current = state;
  }
  const navigate: Navigate = useCallback(
    (next, mode) => {
      stateRef.current = next as ExplorerState & { node: string };
      navigateTo(next, mode);
    },
    [navigateTo],
  );
  const { ref: containerRef, isFullscreen, toggle: onToggleFullscreen } = useFullscreen<HTMLDivElement>();

  // ---- entity <-> version: a view that does not match its focus resolves to the matching node ----
  const isViewMismatch = state.view !== granularityOf(state.node);
  const [resolveError, setResolveError] = useState<string | null>(null);
  useEffect(() => {
    if (!isViewMismatch) {
      setResolveError(null);
      return;
    }
    let isCancelled = false;
    // The state as the view changed; later changes (a selection) must not resolve it again.
    const from = stateRef.current;
    resolveCounterpart(from.node, from.view)
      .then((target) => {
        if (isCancelled) return;
        navigate({ ...recentre(from, target), selected: from.selected === from.node ? target : null }, "replace");
      })
      .catch((error: unknown) => {
        if (!isCancelled) setResolveError(errorMessage(error));
      });
    return () => {
      isCancelled = true;
    };
  }, [isViewMismatch, state.node, state.view, navigate]);

  // ---- data: the focus's neighbourhood plus every "+N" expansion, merged ----
  // ?limit= asks for a bigger (or smaller) view than the default budget.
  const budget = state.limit ?? NODE_BUDGET;
  const apiUrls = useMemo(() => explorerApiUrls(state), [state]);
  const graphUrl = isViewMismatch ? null : apiUrls.graph;
  const graph = useApiResource<LineageGraph>(graphUrl);
  const lastGraph = useRef<LineageGraph | null>(null);
  if (graph.data) lastGraph.current = graph.data;
  // While the next view loads, the previous one stays on screen.
  const baseGraph = graph.data ?? (graph.error ? null : lastGraph.current);

  const expansionUrls = useMemo(() => (isViewMismatch ? [] : apiUrls.expansions), [apiUrls, isViewMismatch]);
  const expansions = useApiResources<LineageGraph>(expansionUrls);
  const merged = useMemo(() => {
    if (!baseGraph) return null;
    return expansions.states.reduce<LineageGraph>((acc, s) => (s.data ? mergeGraphs(acc, s.data) : acc), baseGraph);
  }, [baseGraph, expansions.states]);
  const expansionError = expansions.states.find((s) => s.error)?.error ?? null;
  const isExpanding = expansions.states.some((s) => s.isLoading);

  // ---- "N more" paging: the address holds how far each fan-out is paged, so exports and shares fold alike ----
  const focusId = merged?.focus ?? state.node;
  const isFolded = state.fold !== false;
  const paged = useMemo(
    () => (merged ? (isFolded ? foldView(merged, state.more, state.selected) : { nodes: merged.nodes, edges: merged.edges, more: [] }) : null),
    [merged, isFolded, state.more, state.selected],
  );
  const hidden = useMemo(() => (merged ? countHiddenNeighbours(merged) : new Map()), [merged]);

  // ---- columns view: each dataset's fields, and the selected field's path ----
  const isColumns = !!state.columns && state.view === "entity" && !isViewMismatch;
  const datasetIds = useMemo(
    () => (paged ? paged.nodes.filter((n) => n.type === "dataset").map((n) => n.id).sort().slice(0, MAX_FIELD_DATASETS) : []),
    [paged],
  );
  const fieldsUrl = isColumns && datasetIds.length > 0 ? datasetFieldsUrl(datasetIds, state.asOf) : null;
  const fieldsResource = useApiResource<{ datasets: Record<string, DatasetFieldSummary[]> }>(fieldsUrl);
  const lastFields = useRef<Record<string, DatasetFieldSummary[]>>({});
  if (fieldsResource.data) lastFields.current = fieldsResource.data.datasets;
  const datasetFields = isColumns ? (fieldsResource.data?.datasets ?? lastFields.current) : null;
  const [fieldPaging, setFieldPaging] = useState<{ focus: string; shown: Record<string, number> }>({ focus: state.node, shown: {} });
  const fieldsShown = useMemo(() => (fieldPaging.focus === state.node ? fieldPaging.shown : {}), [fieldPaging, state.node]);
  const sizes = useMemo(() => {
    const map = new Map<string, NodeSize>();
    if (!datasetFields) return map;
    for (const id of datasetIds) {
      const total = datasetFields[id]?.length ?? 0;
      map.set(id, { width: NODE_SIZE.dataset.width, height: NODE_SIZE.dataset.height + fieldListHeight(total, fieldsShown[id] ?? FIELDS_SHOWN) });
    }
    return map;
  }, [datasetFields, datasetIds, fieldsShown]);

  const fieldUrl = isColumns && state.field ? fieldLineageUrl(state.field, state.asOf) : null;
  const fieldGraph = useApiResource<ColumnLineageGraph>(fieldUrl);
  const fieldPath = useMemo(
    () => (fieldUrl && fieldGraph.data && paged ? fieldPathOnGraph(fieldGraph.data.graph, paged.edges) : null),
    [fieldUrl, fieldGraph.data, paged],
  );

  // ---- layout (worker for big views), keyed on structure and on the boxes' sizes ----
  const layoutInput = useMemo(() => (paged ? toLayoutInput(paged.nodes, paged.edges, paged.more, sizes) : { nodes: [], edges: [] }), [paged, sizes]);
  const layoutKey = useMemo(
    () => `${structureKey(layoutInput)}\n#\n${[...sizes].map(([id, size]) => `${id}=${size.height}`).sort().join("\n")}`,
    [layoutInput, sizes],
  );
  // A view whose budget could fill the worker's share is on its way: the worker starts meanwhile.
  const layout = useGraphLayout(layoutInput, layoutKey, graph.isLoading && budget >= WORKER_THRESHOLD);

  const adjacency = useMemo(() => buildAdjacency(paged ?? { nodes: [], edges: [] }), [paged]);
  const highlight = useMemo(() => {
    if (fieldPath) return fieldPath.highlight;
    return paged && state.selected ? findHighlightedPaths(paged.nodes.map((n) => n.id), paged.edges, state.selected) : null;
  }, [paged, state.selected, fieldPath]);
  const flow = useMemo(() => {
    if (!paged || !layout.layout) return { nodes: [], edges: [] as FlowEdge[] };
    const elements = toFlowElements(paged, { focusId, selectedId: state.selected, highlight, hidden, positions: layout.layout.positions, routes: layout.layout.routes, sizes });
    if (datasetFields) {
      const pathFieldIds = fieldPath?.fieldIds ?? null;
      elements.nodes = elements.nodes.map((node) =>
        node.type === "dataset" && sizes.has(node.id)
          ? {
              ...node,
              data: {
                ...node.data,
                columns: {
                  fields: datasetFields[node.id] ?? [],
                  shown: fieldsShown[node.id] ?? FIELDS_SHOWN,
                  pathFieldIds,
                  selectedFieldId: state.field ?? null,
                  isLoading: fieldsResource.isLoading,
                },
              },
            }
          : node,
      );
    }
    // Edges the layout drew backwards close a cycle (synthetic data re-entering training): dashed.
    const back = new Set(layout.layout.backEdges);
    if (back.size > 0) {
      elements.edges = elements.edges.map((edge) => (back.has(edge.id) ? { ...edge, className: [edge.className, "tl-edge-back"].filter(Boolean).join(" ") } : edge));
    }
    return elements;
  }, [paged, layout.layout, focusId, state.selected, highlight, hidden, sizes, datasetFields, fieldPath, fieldsShown, state.field, fieldsResource.isLoading]);

  // ---- actions ----
  const onSelect = useCallback((id: string | null) => {
    const { field: _field, ...current } = stateRef.current;
    if (current.selected === id && !stateRef.current.field) return;
    // A node's panel replaces a field's: selecting a node clears the field path.
    navigate({ ...current, selected: id }, "replace");
  }, [navigate]);

  const selectField = useCallback((fieldId: string | null) => {
    const { field: _field, ...current } = stateRef.current;
    navigate(fieldId ? { ...current, selected: null, field: fieldId } : current, "replace");
  }, [navigate]);

  const showMoreFields = useCallback((datasetId: string) => {
    const focus = stateRef.current.node;
    if (!focus) return;
    setFieldPaging((prev) => {
      const prevShown = prev.focus === focus ? prev.shown : {};
      return { focus, shown: { ...prevShown, [datasetId]: (prevShown[datasetId] ?? FIELDS_SHOWN) + FIELDS_STEP } };
    });
  }, []);

  const onRecentre = useCallback((id: string) => {
    const current = stateRef.current;
    if (current.node === id) {
      if (current.selected !== id) navigate({ ...current, selected: id }, "replace");
      return;
    }
    navigate(recentre(current, id), "push");
  }, [navigate]);

  const pagedRef = useRef(paged);
  pagedRef.current = paged;
  const pagedIds = useMemo(() => new Set(paged?.nodes.map((n) => n.id) ?? []), [paged]);
  const onOpenNode = useCallback((id: string) => {
    if (pagedIds.has(id)) onSelect(id);
    else onRecentre(id);
  }, [pagedIds, onSelect, onRecentre]);

  const expand = useCallback((id: string, direction: "upstream" | "downstream") => {
    const current = stateRef.current;
    if (current.expand.some((e) => e.id === id && e.direction === direction)) return;
    navigate({ ...current, expand: [...current.expand, { id, direction }] }, "push");
  }, [navigate]);

  const showMore = useCallback((placeholderId: string) => {
    const current = stateRef.current;
    const placeholder = pagedRef.current?.more.find((more) => more.id === placeholderId);
    if (!placeholder) return;
    navigate({ ...current, more: showMoreOf(current.more, placeholder) }, "replace");
  }, [navigate]);

  const actions: ExplorerActions = useMemo(() => ({ expand, showMore, selectField, showMoreFields }), [expand, showMore, selectField, showMoreFields]);

  const onViewChange = useCallback((view: Granularity) => navigate({ ...stateRef.current, view }, "push"), [navigate]);
  const onDirectionChange = useCallback((direction: Direction) => navigate({ ...stateRef.current, direction }, "push"), [navigate]);
  const onDepthChange = useCallback(
    (depth: number) => navigate({ ...stateRef.current, depth: Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, depth)) }, "push"),
    [navigate],
  );
  const onClosePanel = useCallback(() => onSelect(null), [onSelect]);
  const onCloseFieldPanel = useCallback(() => selectField(null), [selectField]);
  const onColumnsChange = useCallback((columns: boolean) => {
    const { field: _field, columns: _columns, ...current } = stateRef.current;
    // Columns show in the entity graph: from the version graph, go to it.
    navigate(columns ? { ...current, columns: true, view: "entity" } : current, "push");
  }, [navigate]);
  // From the depth last asked for (stateRef), not the one drawn: three quick clicks are three hops.
  const onDepthStep = useCallback((delta: 1 | -1) => onDepthChange(stateRef.current.depth + delta), [onDepthChange]);


  // What the user asked to see: a change frames the canvas afresh (LineageCanvas).
  // Paging further ("N more") is not a new view: it keeps the user's framing.
  const viewKey = [state.node, state.view, state.depth, state.direction, state.asOf ?? "", state.columns ? "columns" : "", ...state.expand.map((e) => `${e.direction}:${e.id}`)].join("|");

  const focusNode = merged?.nodes.find((n) => n.id === state.node) ?? null;
  // The event the view on screen was read at: exports and shares are pinned to it, so they hold
  // what the screen shows even while the log grows.
  const point = baseGraph?.point ?? null;
  const focusLabel = focusNode ? nodeTitle(focusNode, "@") : state.node;
  const exportView = useMemo(
    () => ({ node: state.node, view: state.view, depth: state.depth, direction: state.direction, limit: budget, expand: state.expand, more: state.more, fold: isFolded, selected: state.selected }),
    [state.node, state.view, state.depth, state.direction, budget, state.expand, state.more, isFolded, state.selected],
  );
  const isBusy = graph.isLoading || isExpanding || layout.isComputing || (isViewMismatch && !resolveError);
  // The server's drawing shows before the page can answer a click: busy (for assistive technology
  // and tests) until it has hydrated, without the toolbar's loading sign for a view already shown.
  const isServerRender = useIsServerRender();

  // ---- what fills the canvas area ----
  let body: ReactNode;
  let isCanvasShown = false;
  if (isViewMismatch && resolveError) {
    body = (
      <CenteredMessage>
        <ErrorState
          title={state.view === "version" ? "Could not open the version graph" : "Could not open the entity graph"}
          message={resolveError}
          onRetry={() => navigate({ ...state, view: granularityOf(state.node) }, "replace")}
        />
      </CenteredMessage>
    );
  } else if (graph.error && !baseGraph) {
    body =
      graph.errorStatus === 404 && state.asOf !== undefined ? (
        // Not there as of the point asked for: the API's message says when it was first recorded
        // (or that it never was), and the view of now is one click away.
        <CenteredMessage>
          <EmptyState
            title="This node is not in the store as of this point"
            action={
              <Button onClick={() => navigate({ ...state, asOf: undefined })} data-testid="as-of-missing-now">
                View it now
              </Button>
            }
          >
            <p className="break-words" data-testid="as-of-missing">{graph.error}</p>
          </EmptyState>
        </CenteredMessage>
      ) : graph.errorStatus === 404 ? (
        <CenteredMessage>
          <EmptyState title="This node is not in the store" action={<Link href="/" className={buttonClasses("secondary")}>Back to the overview</Link>}>
            <p>
              Nothing is recorded under <code className="break-all font-mono text-xs">{state.node}</code>. Search for it by name with the box above (Ctrl K).
            </p>
          </EmptyState>
        </CenteredMessage>
      ) : (
        <CenteredMessage>
          <ErrorState title="Could not load this lineage" message={graph.error} onRetry={graph.retry} />
        </CenteredMessage>
      );
  } else if (!merged || (flow.nodes.length === 0 && !layout.error)) {
    body = <CanvasLoading label={isViewMismatch ? (state.view === "version" ? "Opening the version graph…" : "Opening the entity graph…") : "Loading lineage…"} />;
  } else if (layout.error && flow.nodes.length === 0) {
    body = (
      <CenteredMessage>
        <ErrorState title="Could not lay out this view" message={layout.error} />
      </CenteredMessage>
    );
  } else {
    isCanvasShown = true;
    body = (
      <ExplorerActionsContext.Provider value={actions}>
        <LineageCanvas
          nodes={flow.nodes}
          edges={flow.edges}
          focusId={focusId}
          selectedId={state.selected}
          adjacency={adjacency}
          onSelect={onSelect}
          onRecentre={onRecentre}
          onShowMore={showMore}
          onToggleFullscreen={onToggleFullscreen}
          isFullscreen={isFullscreen}
          viewKey={viewKey}
        />
        <CanvasLegend />
        <ExportMenu view={exportView} point={point} focusLabel={focusLabel} />
      </ExplorerActionsContext.Provider>
    );
  }

  const isTruncated = !!merged?.truncated && !graph.isLoading;

  // A canvas the server draws gets the script that frames it for the real canvas before the first paint.
  const firstFrames = isServerRender && isCanvasShown ? framesOf(flow.nodes, { focusId, near: framedNear(adjacency, focusId, state.selected) }) : null;

  return (
    <div ref={containerRef} className="tl-explorer flex h-[calc(100dvh-3.5rem)] flex-col" data-testid="lineage-explorer" aria-busy={isBusy || isServerRender}>
      {firstFrames ? <FirstFrameScript part="hold" frames={firstFrames} nonce={nonce} /> : null}
      <ExplorerToolbar
        focus={focusNode}
        focusId={state.node}
        view={state.view}
        direction={state.direction}
        depth={state.depth}
        nodeCount={paged?.nodes.length ?? 0}
        loadedCount={merged?.nodes.length}
        edgeCount={paged?.edges.length ?? 0}
        isBusy={isBusy}
        onViewChange={onViewChange}
        onDirectionChange={onDirectionChange}
        onDepthStep={onDepthStep}
        columns={isColumns}
        onColumnsChange={onColumnsChange}
        actions={
          <>
            <AsOfControl asOf={state.asOf} onChange={(asOf) => navigate({ ...state, asOf: asOf ?? undefined })} />
            <ShareButton
              view={{
                kind: "graph",
                node: state.node,
                depth: state.depth,
                direction: state.direction,
                limit: budget,
                selected: state.selected,
                expand: state.expand,
                more: state.more,
                fold: isFolded,
                // Pinned to the event the screen was read at, as exports are: a view of now shared
                // after events arrived would otherwise freeze a view the person never saw.
                ...(point ? { asOf: point.seq } : {}),
              }}
            />
          </>
        }
      />
      {point?.isAsOf ? (
        <AsOfBanner
          point={point}
          back={
            <button type="button" className="font-medium text-accent underline-offset-2 hover:underline" onClick={() => navigate({ ...state, asOf: undefined })} data-testid="as-of-back">
              back to now
            </button>
          }
        />
      ) : null}
      {isTruncated ? (
        <div role="status" className="flex flex-wrap items-center gap-2 border-b border-warning/30 bg-warning-soft px-4 py-2 text-sm text-ink" data-testid="budget-banner">
          <span>
            <strong className="font-semibold">This view reached the {budget}-node budget</strong>, so some nodes are not shown. Narrow it:
          </span>
          {state.depth > MIN_DEPTH ? (
            <Button size="sm" onClick={() => onDepthChange(state.depth - 1)}>
              Depth {state.depth - 1}
            </Button>
          ) : null}
          {state.direction !== "upstream" ? (
            <Button size="sm" onClick={() => onDirectionChange("upstream")}>
              Upstream only
            </Button>
          ) : null}
          {state.direction !== "downstream" ? (
            <Button size="sm" onClick={() => onDirectionChange("downstream")}>
              Downstream only
            </Button>
          ) : null}
        </div>
      ) : null}
      {expansionError ? (
        <div role="alert" className="flex flex-wrap items-center gap-2 border-b border-danger/30 bg-danger-soft px-4 py-2 text-sm text-ink">
          <span>Could not expand a node: {expansionError}</span>
          <Button size="sm" onClick={expansions.retry}>
            Retry
          </Button>
        </div>
      ) : null}
      <div className="relative flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1 bg-canvas">
          {/* The first view's boxes and edges, so the server draws them (React Flow reads its store). */}
          <ReactFlowProvider initialNodes={flow.nodes as Node[]} initialEdges={flow.edges as Edge[]}>
            {body}
          </ReactFlowProvider>
        </div>
        {isColumns && state.field ? (
          <SidePanelSlot>
            <FieldPanel key={state.field} fieldId={state.field} graph={fieldGraph.data} error={fieldGraph.error} onRetry={fieldGraph.retry} asOf={state.asOf} onClose={onCloseFieldPanel} onSelectField={selectField} />
          </SidePanelSlot>
        ) : state.selected ? (
          <SidePanelSlot>
            <SidePanel
              key={state.selected}
              nodeId={state.selected}
              asOf={state.asOf}
              isFocus={state.selected === state.node}
              onClose={onClosePanel}
              onOpenNode={onOpenNode}
              onRecentre={onRecentre}
            />
          </SidePanelSlot>
        ) : null}
      </div>
      {firstFrames ? <FirstFrameScript part="frame" frames={firstFrames} nonce={nonce} /> : null}
    </div>
  );
}

/**
 * The node of the other granularity for a focus: a dataset's latest version, a job's latest run,
 * a version's dataset, a run's job. Reads the node's detail (cached) for what ids cannot tell.
 */
async function resolveCounterpart(id: string, view: Granularity): Promise<string> {
  const detail = await fetchCached<NodeDetail>(nodeApiPath(id));
  const { node } = detail;
  if (view === "version") {
    if (node.type === "dataset") {
      const latest = detail.versions[0]?.id ?? (node.version ? makeNodeId.datasetVersion(node.namespace, node.name, node.version) : null);
      if (!latest) throw new Error(`${node.name} has no recorded versions, so it has no version graph yet.`);
      return latest;
    }
    if (node.type === "job") {
      const latest = detail.runs[0]?.id;
      if (!latest) throw new Error(`${node.name} has no recorded runs, so it has no version graph yet.`);
      return latest;
    }
    return node.id;
  }
  if (node.type === "datasetVersion") return makeNodeId.dataset(node.namespace, node.name);
  if (node.type === "run") return detail.transformation?.job.id ?? makeNodeId.job(node.namespace, node.name);
  return node.id;
}

function CenteredMessage({ children }: { children: ReactNode }) {
  return <div className="flex h-full items-center justify-center p-6"><div className="w-full max-w-lg">{children}</div></div>;
}

function CanvasLoading({ label }: { label: string }) {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3" role="status" data-testid="canvas-loading">
      <div className="flex items-center gap-6 opacity-70" aria-hidden="true">
        {[0, 1, 2].map((i) => (
          <div key={i} className="flex flex-col gap-4">
            {Array.from({ length: i === 1 ? 1 : 2 }, (_, j) => (
              <div key={j} className="h-14 w-44 animate-pulse rounded-lg border border-line bg-surface" />
            ))}
          </div>
        ))}
      </div>
      <p className="text-sm text-ink-muted">{label}</p>
    </div>
  );
}
