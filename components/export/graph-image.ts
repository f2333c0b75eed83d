"use client";

import { getNodesBounds, getViewportForBounds, type ReactFlowInstance, type ReactFlowState } from "@xyflow/react";
import { toPng, toSvg } from "html-to-image";

/**
 * PNG and SVG of the graph exactly as laid out: every node and edge, at zoom 1, never cropped to
 * the viewport. React Flow's documented recipe (getNodesBounds + getViewportForBounds +
 * html-to-image on `.react-flow__viewport`), plus three things the recipe leaves out:
 * - the image is framed on the bounds of *all* nodes at zoom 1, so node text is drawn in full
 *   (below zoom 0.5 nodes switch to their minimal form);
 * - big views render only what is on screen (onlyRenderVisibleElements): during the capture the
 *   store is told the pane is as large as the drawing, so every node and edge is in the DOM;
 * - html-to-image 1.11.13 copies computed styles onto HTML elements but clones an <svg> without
 *   styling its children, so edges (stroked by CSS classes) would come out invisible: their
 *   computed stroke and fill are written inline for the duration of the capture.
 * The user's viewport and the store are restored afterwards.
 */

export type ImageFormat = "png" | "svg";

interface StoreLike {
  getState: () => ReactFlowState;
  setState: (partial: Partial<ReactFlowState>) => void;
}

/** Margin around the drawing, in pixels. */
const PADDING = 40;
/** Browsers refuse canvases beyond about 16k pixels a side or 268M pixels in all. */
const MAX_CANVAS_SIDE = 16_000;
const MAX_CANVAS_AREA = 200_000_000;

const SVG_STYLE_PROPERTIES = [
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-opacity",
  "fill",
  "fill-opacity",
  "opacity",
  "visibility",
  "display",
];

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Waits until React has put every node of the view into the DOM (or gives up after a while). */
async function waitForNodes(viewport: HTMLElement, count: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await nextFrame();
    if (viewport.querySelectorAll(".react-flow__node").length >= count && i >= 1) return;
  }
}

/** Writes the computed style of every SVG descendant inline; returns how to undo it. */
function inlineSvgStyles(root: HTMLElement): () => void {
  const saved: [Element, string | null][] = [];
  for (const element of root.querySelectorAll("svg *")) {
    if (!(element instanceof SVGElement)) continue;
    const computed = getComputedStyle(element);
    saved.push([element, element.getAttribute("style")]);
    for (const property of SVG_STYLE_PROPERTIES) {
      const value = computed.getPropertyValue(property);
      if (value) element.style.setProperty(property, value);
    }
  }
  return () => {
    for (const [element, style] of saved) {
      if (style === null) element.removeAttribute("style");
      else element.setAttribute("style", style);
    }
  };
}

export interface GraphImage {
  dataUrl: string;
  /** Size of the drawing in CSS pixels (the PNG is `pixelRatio` times larger). */
  width: number;
  height: number;
  pixelRatio: number;
}

/**
 * Draws the whole graph of a React Flow instance. `container` is the element holding the
 * `.react-flow` wrapper (the canvas); the background is the canvas colour.
 */
export async function captureGraphImage(
  instance: ReactFlowInstance,
  store: StoreLike,
  container: HTMLElement,
  format: ImageFormat,
): Promise<GraphImage> {
  const viewportElement = container.querySelector<HTMLElement>(".react-flow__viewport");
  const flowElement = container.querySelector<HTMLElement>(".react-flow");
  if (!viewportElement || !flowElement) throw new Error("The graph is not on screen yet.");
  const nodes = instance.getNodes();
  if (nodes.length === 0) throw new Error("There is nothing to export: the view has no nodes.");

  const bounds = getNodesBounds(nodes);
  const width = Math.ceil(bounds.width + 2 * PADDING);
  const height = Math.ceil(bounds.height + 2 * PADDING);
  const frame = getViewportForBounds(bounds, width, height, 1, 1, 0);
  const pixelRatio = Math.max(
    0.25,
    Math.min(2, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height, Math.sqrt(MAX_CANVAS_AREA / (width * height))),
  );
  const background = getComputedStyle(flowElement).getPropertyValue("--xy-background-color").trim() || "#ffffff";

  const savedViewport = instance.getViewport();
  const { width: paneWidth, height: paneHeight } = store.getState();
  let restoreStyles: (() => void) | null = null;
  try {
    await instance.setViewport({ x: frame.x, y: frame.y, zoom: 1 });
    store.setState({ width: Math.max(paneWidth, width), height: Math.max(paneHeight, height) });
    await waitForNodes(viewportElement, nodes.length);
    restoreStyles = inlineSvgStyles(viewportElement);
    const options = {
      backgroundColor: background,
      width,
      height,
      pixelRatio,
      style: {
        width: `${width}px`,
        height: `${height}px`,
        transform: `translate(${frame.x}px, ${frame.y}px) scale(1)`,
      },
    };
    const dataUrl = format === "png" ? await toPng(viewportElement, options) : await toSvg(viewportElement, options);
    return { dataUrl, width, height, pixelRatio };
  } finally {
    restoreStyles?.();
    store.setState({ width: paneWidth, height: paneHeight });
    await instance.setViewport(savedViewport);
  }
}

/** Saves a data URL as a file through a temporary link. */
export function downloadDataUrl(dataUrl: string, fileName: string): void {
  const link = document.createElement("a");
  link.href = dataUrl;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** A file name from a node id: its last name segments, safe on every file system. */
export function exportFileBase(nodeId: string): string {
  const base = nodeId.split(/[:/]/).filter(Boolean).slice(-2).join("-").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return `threadline-${base || "graph"}`;
}
