"use client";

import { useReactFlow, useStoreApi } from "@xyflow/react";
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { Direction } from "@/lib/lineage/types";
import { fetchJson } from "@/components/api-client";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { captureGraphImage, downloadDataUrl, exportFileBase, type ImageFormat } from "./graph-image";

export interface ExportMenuProps {
  /** The view: the node it is about and the query that made it. */
  nodeId: string;
  depth: number;
  direction: Direction;
  /** The node budget of the view, so file exports describe the same neighbourhood. */
  limit?: number;
  /** A view pinned in the past (as-of): file exports are taken at that event, not at the head. */
  asOf?: number | null;
  /** The node selected in the view, if any: offered its own report. */
  selectedId?: string | null;
  className?: string;
}

type Status = { tone: "info" | "error"; text: string } | null;

/** The query string every file export of this view shares, pinned to a log head when known. */
export function exportQuery(props: Pick<ExportMenuProps, "nodeId" | "depth" | "direction" | "limit">, asOf: number | null): string {
  const params = new URLSearchParams({ nodeId: props.nodeId, depth: String(props.depth), direction: props.direction });
  if (props.limit) params.set("limit", String(props.limit));
  if (asOf !== null) params.set("asOf", String(asOf));
  return params.toString();
}

/**
 * "Export" for a lineage view: PNG and SVG of the graph as laid out (all of it, not the part on
 * screen), W3C PROV-JSON, the OpenLineage events behind it (NDJSON, re-importable) with their
 * attestation, and the printable audit report. Mount it inside the ReactFlowProvider of the canvas,
 * as a sibling of the canvas; it places itself at the canvas's top left.
 */
export function ExportMenu({ nodeId, depth, direction, limit, asOf = null, selectedId = null, className }: ExportMenuProps) {
  const instance = useReactFlow();
  const store = useStoreApi();
  const rootRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const [isOpen, setIsOpen] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const [headSeq, setHeadSeq] = useState<number | null>(null);

  // Pin file exports to the log head as the menu opens, so the events and their attestation agree.
  useEffect(() => {
    if (!isOpen || asOf !== null) return;
    const controller = new AbortController();
    fetchJson<{ statement?: { head?: { seq: number } | null } }>("/api/v1/audit/head", controller.signal)
      .then((body) => setHeadSeq(body.statement?.head?.seq ?? null))
      // Without the head the exports are simply not pinned (they still describe the view).
      .catch(() => {});
    return () => controller.abort();
  }, [isOpen, asOf]);

  useEffect(() => {
    if (!isOpen) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setIsOpen(false);
        rootRef.current?.querySelector<HTMLButtonElement>("[data-export-trigger]")?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [isOpen]);

  const exportImage = useCallback(
    async (format: ImageFormat) => {
      const container = rootRef.current?.parentElement;
      if (!container) return;
      setIsOpen(false);
      setIsBusy(true);
      setStatus({ tone: "info", text: `Drawing the whole graph as ${format.toUpperCase()}…` });
      try {
        const image = await captureGraphImage(instance, store, container, format);
        downloadDataUrl(image.dataUrl, `${exportFileBase(nodeId)}.${format}`);
        setStatus({ tone: "info", text: `Saved ${format.toUpperCase()} of ${instance.getNodes().length} nodes (${image.width} × ${image.height} px).` });
      } catch (error) {
        setStatus({ tone: "error", text: `Could not export the image: ${error instanceof Error ? error.message : String(error)}` });
      } finally {
        setIsBusy(false);
      }
    },
    [instance, store, nodeId],
  );

  const pinnedSeq = asOf ?? headSeq;
  const query = exportQuery({ nodeId, depth, direction, limit }, pinnedSeq);
  const reportHref = (id: string) => `/report?${new URLSearchParams({ node: id, depth: String(Math.min(depth, 8)), direction }).toString()}`;

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
          <MenuGroup label="Graph image, all nodes as laid out">
            <MenuButton onClick={() => void exportImage("png")} testId="export-png" hint="Raster, 2× resolution">
              PNG image
            </MenuButton>
            <MenuButton onClick={() => void exportImage("svg")} testId="export-svg" hint="Vector, text stays searchable">
              SVG image
            </MenuButton>
          </MenuGroup>
          <MenuGroup label={pinnedSeq !== null ? `Provenance data, as of event #${pinnedSeq}` : "Provenance data"}>
            <MenuLink href={`/api/v1/export/prov?${query}&download=1`} testId="export-prov" hint="W3C PROV-JSON of the version graph, attested">
              PROV-JSON
            </MenuLink>
            <MenuLink href={`/api/v1/export/events?${query}&download=1`} testId="export-events" hint="The events behind this view; npm run ingest re-imports them">
              OpenLineage events (NDJSON)
            </MenuLink>
            <MenuLink href={`/api/v1/export/events?${query}&attestation=1&download=1`} testId="export-attestation" hint="Head, digest and signature of that NDJSON file">
              Attestation of the events
            </MenuLink>
          </MenuGroup>
          <MenuGroup label="For reviewers">
            <MenuLink href={reportHref(nodeId)} testId="export-report" hint="Graph, transformations, flags and verification; print to PDF" newTab>
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
