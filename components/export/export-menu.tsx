"use client";

import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useId, useRef, useState, type ReactNode } from "react";
import type { Granularity, ViewPoint } from "@/lib/lineage/types";
import { granularityOf } from "@/lib/lineage/url-state";
import { useDismiss } from "@/components/use-dismiss";
import { viewQueryParams, type ViewQuery } from "@/lib/schemas/view-query";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { captureGraphImage, downloadDataUrl, exportFileBase, type ImageFormat } from "./graph-image";

export interface ExportMenuProps {
  /** The view on screen, exactly: focus, depth, direction, budget, expansions, selection, as-of point. */
  view: ExportView;
  /** The event the view on screen was read at (null until it is loaded): every export is pinned to it. */
  point: ViewPoint | null;
  /** A label for the caption and file name: the focus's name (and version). */
  focusLabel: string;
  /** In a share link: every file comes from the share's own addresses, pinned to its head. */
  shareToken?: string;
  className?: string;
}

export type ExportView = Pick<ViewQuery, "node" | "depth" | "direction" | "expand" | "selected"> & Partial<Pick<ViewQuery, "more" | "fold">> & { limit?: number; view?: Granularity };

type Status = { tone: "info" | "error"; text: string } | null;

/**
 * The query string every file export and the report of this view share: the whole view, pinned to
 * the event it was read at, so what the files hold is what the screen showed.
 */
export function exportQuery(view: ExportView, point: ViewPoint | null, nodeParam: "node" | "nodeId" = "nodeId"): string {
  return viewQueryParams({ ...view, ...(point ? { asOf: String(point.seq) } : {}) }, nodeParam).toString();
}

/** The lines under an exported image: which view, as of which event, when. */
export function imageCaption(view: ExportView, point: ViewPoint | null, focusLabel: string, nodeCount: number): string[] {
  const scope = view.direction === "both" ? "upstream and downstream" : view.direction;
  const expanded = view.expand.length ? `, ${view.expand.length} expanded` : "";
  const paged = view.more?.length ? `, ${view.more.length} paged further` : "";
  const at = point
    ? `${point.isAsOf ? "As of" : "At"} event #${point.seq}${point.time ? ` (${point.time.slice(0, 19).replace("T", " ")} UTC)` : ""}${point.hash ? ` · chain hash ${point.hash.slice(0, 16)}…` : ""}`
    : "Log head unknown";
  return [
    `Threadline lineage of ${focusLabel} · ${view.view ?? granularityOf(view.node)} graph, depth ${view.depth}, ${scope}${expanded}${paged} · ${nodeCount} nodes`,
    `${at} · exported ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  ];
}

/**
 * "Export" for a lineage view: PNG and SVG of the graph as laid out (all of it, not the part on
 * screen) with a caption, W3C PROV-JSON, the OpenLineage events behind it (NDJSON, re-importable)
 * with their attestation, and the printable audit report, all of exactly this view (expansions,
 * selection, as-of point) at the event it was read at. Mount it inside the ReactFlowProvider of
 * the canvas, as a sibling of the canvas; it places itself at the canvas's top left.
 */
export function ExportMenu({ view, point, focusLabel, shareToken, className }: ExportMenuProps) {
  const instance = useReactFlow();
  const store = useStoreApi();
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const [isOpen, setIsOpen] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [status, setStatus] = useState<Status>(null);

  useDismiss(isOpen, [rootRef], (reason) => {
    setIsOpen(false);
    if (reason === "escape") rootRef.current?.querySelector<HTMLButtonElement>("[data-export-trigger]")?.focus();
  });

  const exportImage = useCallback(
    async (format: ImageFormat) => {
      const container = rootRef.current?.parentElement;
      if (!container) return;
      setIsOpen(false);
      setIsBusy(true);
      setStatus({ tone: "info", text: `Drawing the whole graph as ${format.toUpperCase()}…` });
      try {
        const caption = imageCaption(view, point, focusLabel, instance.getNodes().filter((n) => !n.id.startsWith("more:")).length);
        const image = await captureGraphImage(instance, store, container, format, caption);
        downloadDataUrl(image.dataUrl, `${exportFileBase(view.node)}.${format}`);
        setStatus({ tone: "info", text: `Saved ${format.toUpperCase()} of ${instance.getNodes().length} nodes (${image.width} × ${image.height} px).` });
      } catch (error) {
        setStatus({ tone: "error", text: `Could not export the image: ${error instanceof Error ? error.message : String(error)}` });
      } finally {
        setIsBusy(false);
      }
    },
    [instance, store, view, point, focusLabel],
  );

  const query = exportQuery(view, point);
  const pinnedSeq = point?.seq ?? null;
  const reportHref = (focus: string) =>
    `/report?${exportQuery(focus === view.node ? view : { node: focus, depth: view.depth, direction: view.direction, expand: [], more: [], fold: view.fold, selected: null }, point, "node")}`;
  // A share link offers its snapshot's files from its own addresses (nothing leads out of it).
  const share = shareToken ? `/api/v1/shares/${encodeURIComponent(shareToken)}/export` : null;
  const links = {
    prov: share ? `${share}/prov?download=1` : `/api/v1/export/prov?${query}&download=1`,
    events: share ? `${share}/events?download=1` : `/api/v1/export/events?${query}&download=1`,
    attestation: share ? `${share}/events?attestation=1&download=1` : `/api/v1/export/events?${query}&attestation=1&download=1`,
    report: shareToken ? `/share/${encodeURIComponent(shareToken)}/report` : reportHref(view.node),
  };
  const selectedId = shareToken ? null : view.selected;
  const nodeId = view.node;

  return (
    <div ref={rootRef} className={cn("absolute left-3 top-3 z-10", className)} data-testid="export-menu">
      <button
        type="button"
        data-export-trigger
        className={buttonClasses("secondary", "sm", "shadow-card")}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={menuId}
        disabled={isBusy}
        onClick={() => setIsOpen((open) => !open)}
      >
        <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="M12 4v11m0 0-4-4m4 4 4-4M5 20h14" />
        </svg>
        {isBusy ? "Exporting…" : "Export"}
      </button>
      {isOpen ? (
        <div
          id={menuId}
          role="menu"
          aria-label="Export this view"
          className="mt-1 w-72 overflow-hidden rounded-md border border-line bg-surface-raised py-1 text-sm shadow-overlay"
        >
          <MenuGroup label="Graph image, all nodes as laid out, with a caption">
            <MenuButton onClick={() => void exportImage("png")} testId="export-png" hint="Raster, 2× resolution">
              PNG image
            </MenuButton>
            <MenuButton onClick={() => void exportImage("svg")} testId="export-svg" hint="Real vector (rect, path, text), editable">
              SVG image
            </MenuButton>
          </MenuGroup>
          <MenuGroup label={pinnedSeq !== null ? `Provenance data, as of event #${pinnedSeq}` : "Provenance data"}>
            <MenuLink href={links.prov} testId="export-prov" hint="W3C PROV-JSON of exactly this view, attested">
              PROV-JSON
            </MenuLink>
            <MenuLink href={links.events} testId="export-events" hint="The events behind this view; npm run ingest re-imports them">
              OpenLineage events (NDJSON)
            </MenuLink>
            <MenuLink href={links.attestation} testId="export-attestation" hint="Head, digest and signature of that NDJSON file">
              Attestation of the events
            </MenuLink>
          </MenuGroup>
          <MenuGroup label="For reviewers">
            <MenuLink href={links.report} testId="export-report" hint="Graph, transformations, flags and verification; print to PDF" newTab>
              Printable audit report
            </MenuLink>
            {selectedId && selectedId !== nodeId && !selectedId.startsWith("more:") ? (
              <MenuLink href={reportHref(selectedId)} testId="export-report-selected" hint="The same report, centred on the node you selected" newTab>
                Report on the selected node
              </MenuLink>
            ) : null}
          </MenuGroup>
        </div>
      ) : null}
      {status ? (
        <p
          role={status.tone === "error" ? "alert" : "status"}
          className={cn(
            "mt-1 max-w-72 rounded-md border px-2.5 py-1.5 text-xs shadow-card",
            status.tone === "error" ? "border-danger/40 bg-danger-soft text-ink" : "border-line bg-surface text-ink-muted",
          )}
          data-testid="export-status"
        >
          {status.text}
        </p>
      ) : null}
    </div>
  );
}

function MenuGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="group" aria-label={label} className="border-b border-line py-1 last:border-b-0">
      <p className="px-3 pb-0.5 pt-1 text-[11px] font-medium uppercase tracking-wide text-ink-faint" aria-hidden="true">
        {label}
      </p>
      {children}
    </div>
  );
}

const itemClasses = "flex w-full flex-col items-start px-3 py-1.5 text-left text-ink hover:bg-surface-muted focus-visible:bg-surface-muted focus-visible:outline-none";

function MenuButton({ onClick, testId, hint, children }: { onClick: () => void; testId: string; hint: string; children: ReactNode }) {
  return (
    <button type="button" role="menuitem" className={itemClasses} onClick={onClick} data-testid={testId}>
      <span className="font-medium">{children}</span>
      <span className="text-xs text-ink-muted">{hint}</span>
    </button>
  );
}

function MenuLink({ href, testId, hint, children, newTab }: { href: string; testId: string; hint: string; children: ReactNode; newTab?: boolean }) {
  return (
    <a role="menuitem" href={href} className={itemClasses} data-testid={testId} {...(newTab ? { target: "_blank", rel: "noopener" } : {})}>
      <span className="font-medium">{children}</span>
      <span className="text-xs text-ink-muted">{hint}</span>
    </a>
  );
}
