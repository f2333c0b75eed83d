"use client";

import { getNodesBounds, type Node, type ReactFlowInstance, type ReactFlowState } from "@xyflow/react";

/**
 * SVG and PNG of the graph exactly as laid out: every node and edge at zoom 1, never cropped to
 * the viewport, with a caption saying which view it is and as of which event.
 *
 * The SVG is real vector: one `<rect>` and `<text>` per node, one `<path>` per edge (or per bundle
 * of edges in a big view), nothing but SVG, so vector tools, slides and browsers read and edit it.
 * It is drawn from the laid-out graph the canvas shows: each node's box and position from React
 * Flow, its colours as computed on screen, its title and subtitle as rendered, and each edge's
 * path exactly as the canvas draws it (whatever routing the layout gave it). Interactive chips
 * ("+N", "investigate") are controls, not part of the drawing, and are left out. The PNG is that
 * same SVG rasterised at 2x.
 *
 * Big views render only what is on screen (onlyRenderVisibleElements): while the drawing is read,
 * the store is told the pane is as large as the whole graph so every node and edge is in the DOM;
 * the user's viewport and the store are restored afterwards.
 */

export type ImageFormat = "png" | "svg";

interface StoreLike {
  getState: () => ReactFlowState;
  setState: (partial: Partial<ReactFlowState>) => void;
}

/** Margin around the drawing, in pixels. */
const PADDING = 40;
const CAPTION_LINE = 16;
/** Browsers refuse canvases beyond about 16k pixels a side or 268M pixels in all. */
const MAX_CANVAS_SIDE = 16_000;
const MAX_CANVAS_AREA = 200_000_000;
const FONT = "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

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

export interface GraphImage {
  /** The file's content as a data URL. */
  dataUrl: string;
  /** Size of the drawing in CSS pixels (the PNG is `pixelRatio` times larger). */
  width: number;
  height: number;
  pixelRatio: number;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

/** A colour as SVG takes it: computed colours are rgb()/rgba(), transparent stays "none". */
function paint(value: string | null | undefined, fallback = "none"): string {
  if (!value || value === "transparent" || /rgba\([^)]*,\s*0\)$/.test(value)) return fallback;
  return value;
}

/** Cuts `text` to what fits `width` pixels at `size` px (an estimate: no text metrics in SVG). */
function fit(text: string, width: number, size: number, isBold = false): string {
  const perChar = size * (isBold ? 0.6 : 0.55);
  const max = Math.max(4, Math.floor(width / perChar));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The text of the first element matching `selector` under `root`, spaces collapsed. */
function textOf(root: Element, selector: string): string {
  return (root.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** One node as SVG, in flow coordinates. */
function nodeSvg(node: Node, element: Element | null): string {
  const x = node.position.x;
  const y = node.position.y;
  const width = node.measured?.width ?? node.width ?? 0;
  const height = node.measured?.height ?? node.height ?? 0;
  const box = element?.querySelector<HTMLElement>(".tl-node-box") ?? null;
  const style = box ? getComputedStyle(box) : null;
  const fill = paint(style?.backgroundColor, "#ffffff");
  const stroke = paint(style?.borderTopColor, "#94a3b8");
  const strokeWidth = Number.parseFloat(style?.borderTopWidth ?? "1") || 1;
  const radius = Math.min(height / 2, Number.parseFloat(style?.borderTopLeftRadius ?? "8") || 8);
  const dash = style?.borderTopStyle === "dashed" ? ' stroke-dasharray="6 4"' : "";
  const accent = box ? paint(getComputedStyle(box).getPropertyValue("--node-colour").trim(), "") : "";
  const data = node.data as { node?: { name?: string }; isFocus?: boolean };
  const fullName = data.node?.name ?? "";
  const title = (element && textOf(element, '[data-export="title"]')) || fullName || (element ? textOf(element, ".tl-node-box") : "");
  const subtitle = element ? textOf(element, '[data-export="subtitle"]') : "";
  const badges = element ? [...element.querySelectorAll('[data-testid^="badge-"]')].map((b) => (b.textContent ?? "").trim()).filter(Boolean) : [];
  const textColour = paint(style?.color, "#0f172a");
  const inner = width - 28;
  const parts: string[] = [`<g data-id="${escapeXml(node.id)}">`, `<title>${escapeXml(fullName || title)}</title>`];
  if (data.isFocus) parts.push(`<rect x="${x - 4}" y="${y - 4}" width="${width + 8}" height="${height + 8}" rx="${radius + 4}" fill="none" stroke="#2563eb" stroke-width="3"/>`);
  parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="${radius}" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`);
  if (accent) parts.push(`<rect x="${x}" y="${y}" width="6" height="${height}" rx="3" fill="${accent}"/>`);
  if (!data.node) {
    // A placeholder ("N more"): its label, centred.
    parts.push(`<text x="${x + width / 2}" y="${y + height / 2 + 4}" text-anchor="middle" font-size="13" fill="${textColour}">${escapeXml(title)}</text>`);
  } else {
    const lines = [
      `<text x="${x + 16}" y="${y + 22}" font-size="14" font-weight="600" fill="${textColour}">${escapeXml(fit(title, inner, 14, true))}</text>`,
      subtitle ? `<text x="${x + 16}" y="${y + 39}" font-size="12" fill="#64748b">${escapeXml(fit(subtitle, inner, 12))}</text>` : "",
      badges.length ? `<text x="${x + 16}" y="${y + 55}" font-size="10" font-weight="700" fill="#b91c1c" letter-spacing="0.5">${escapeXml(fit(badges.join(" · ").toUpperCase(), inner, 10, true))}</text>` : "",
    ];
    parts.push(...lines.filter(Boolean));
  }
  parts.push("</g>");
  return parts.join("");
}

/** Every edge path the canvas draws (one per edge, or per bundle in a big view), with its computed stroke. */
function edgesSvg(viewport: HTMLElement): string {
  const paths: string[] = [];
  for (const path of viewport.querySelectorAll<SVGPathElement>(".react-flow__edge-path")) {
    const d = path.getAttribute("d");
    if (!d) continue;
    const style = getComputedStyle(path);
    const stroke = paint(style.stroke, "#94a3b8");
    const width = Number.parseFloat(style.strokeWidth) || 1.5;
    const dash = style.strokeDasharray && style.strokeDasharray !== "none" ? ` stroke-dasharray="${style.strokeDasharray.replace(/px/g, "").replace(/,/g, " ")}"` : "";
    const opacity = Number.parseFloat(style.opacity);
    paths.push(
      `<path d="${escapeXml(d)}" fill="none" stroke="${stroke}" stroke-width="${width}"${dash}${opacity < 1 ? ` opacity="${opacity}"` : ""} marker-end="url(#tl-arrow)"/>`,
    );
  }
  return paths.join("");
}

/**
 * The SVG of the graph in `viewport` (all its nodes must be rendered), framed on the nodes' bounds
 * with PADDING, and the caption lines under it.
 */
function buildGraphSvg(viewport: HTMLElement, nodes: Node[], caption: readonly string[]): { svg: string; width: number; height: number } {
  const bounds = getNodesBounds(nodes);
  const graphWidth = Math.ceil(bounds.width + 2 * PADDING);
  const graphHeight = Math.ceil(bounds.height + 2 * PADDING);
  const captionHeight = caption.length ? caption.length * CAPTION_LINE + 16 : 0;
  const width = graphWidth;
  const height = graphHeight + captionHeight;
  const elementOf = new Map([...viewport.querySelectorAll(".react-flow__node")].map((el) => [el.getAttribute("data-id") ?? "", el]));
  const captionSvg = caption
    .map((line, i) => `<text x="${PADDING / 2}" y="${graphHeight + 12 + (i + 1) * CAPTION_LINE - 4}" font-size="${i === 0 ? 13 : 12}" font-weight="${i === 0 ? 600 : 400}" fill="${i === 0 ? "#0f172a" : "#475569"}">${escapeXml(line)}</text>`)
    .join("");
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(caption[0] ?? "Lineage graph")}</title>`,
    `<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0 0 L10 5 L0 10 z" fill="#94a3b8"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g transform="translate(${PADDING - bounds.x} ${PADDING - bounds.y})">`,
    `<g class="edges">${edgesSvg(viewport)}</g>`,
    `<g class="nodes">${nodes.map((node) => nodeSvg(node, elementOf.get(node.id) ?? null)).join("")}</g>`,
    `</g>`,
    captionSvg ? `<line x1="0" y1="${graphHeight}" x2="${width}" y2="${graphHeight}" stroke="#e2e8f0"/>${captionSvg}` : "",
    `</svg>`,
  ].join("");
  return { svg, width, height };
}

async function rasterise(svg: string, width: number, height: number, pixelRatio: number): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * pixelRatio);
  canvas.height = Math.round(height * pixelRatio);
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot draw the image.");
  context.scale(pixelRatio, pixelRatio);
  context.drawImage(image, 0, 0, width, height);
  return canvas.toDataURL("image/png");
}

/**
 * Draws the whole graph of a React Flow instance. `container` is the element holding the
 * `.react-flow` wrapper (the canvas); `caption` is printed under the graph (first line bold).
 */
export async function captureGraphImage(
  instance: ReactFlowInstance,
  store: StoreLike,
  container: HTMLElement,
  format: ImageFormat,
  caption: readonly string[] = [],
): Promise<GraphImage> {
  const viewportElement = container.querySelector<HTMLElement>(".react-flow__viewport");
  if (!viewportElement || !container.querySelector(".react-flow")) throw new Error("The graph is not on screen yet.");
  const nodes = instance.getNodes();
  if (nodes.length === 0) throw new Error("There is nothing to export: the view has no nodes.");

  const bounds = getNodesBounds(nodes);
  const savedViewport = instance.getViewport();
  const { width: paneWidth, height: paneHeight } = store.getState();
  let drawing: ReturnType<typeof buildGraphSvg>;
  try {
    // Zoom 1 (full node text, never the minimal zoomed-out form) over a pane as large as the graph.
    await instance.setViewport({ x: PADDING - bounds.x, y: PADDING - bounds.y, zoom: 1 });
    store.setState({ width: Math.max(paneWidth, bounds.width + 2 * PADDING), height: Math.max(paneHeight, bounds.height + 2 * PADDING) });
    await waitForNodes(viewportElement, nodes.length);
    drawing = buildGraphSvg(viewportElement, instance.getNodes(), caption);
  } finally {
    store.setState({ width: paneWidth, height: paneHeight });
    await instance.setViewport(savedViewport);
  }
  const { svg, width, height } = drawing;
  if (format === "svg") {
    return { dataUrl: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, width, height, pixelRatio: 1 };
  }
  const pixelRatio = Math.max(0.25, Math.min(2, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height, Math.sqrt(MAX_CANVAS_AREA / (width * height))));
  return { dataUrl: await rasterise(svg, width, height, pixelRatio), width, height, pixelRatio };
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
