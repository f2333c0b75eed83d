/**
 * Framing: which part of a laid-out view the canvas shows, and at what zoom. Pure, so the very first
 * paint of the explorer can be framed from the layout alone (boxes have fixed sizes), before the
 * canvas has measured a single node, and so every later re-framing lands on the same answer.
 */

/** A laid-out box: its top-left corner and size, in flow pixels. */
export interface FramedBox {
  id: string;
  position: { x: number; y: number };
  width: number;
  height: number;
}

/** A canvas viewport as React Flow keeps it: screen = flow × zoom + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * Below this zoom a box's 14 px title is under 10 px on screen (LEGIBLE_TEXT_PX), too small to
 * read; a big view is never framed under it (small views go compact instead: compact-view.ts).
 */
export const READABLE_ZOOM = 0.72;
/**
 * Views up to this many boxes are always framed whole, even below the readable zoom: a small
 * pipeline (a 9-step chain at depth 8) reads better whole and small than a third at a time.
 */
export const FRAME_WHOLE_LIMIT = 12;
/** The smallest zoom a whole small view is framed at. */
export const SMALLEST_WHOLE_ZOOM = 0.2;
/**
 * Bigger views are framed whole down to this zoom, where boxes are in their minimal form (the name
 * in large type and the failed badge) and stay legible; below it, the focus and its neighbours at a
 * readable zoom, the rest one click away ("fit view").
 */
export const WHOLE_VIEW_ZOOM = 0.45;
/** Room left around the framed boxes, as a share of the canvas (React Flow's fitView padding). */
export const FIT_PADDING = 0.08;
/** Small views are not blown up past this zoom. */
const MAX_WHOLE_ZOOM = 1.1;
const MAX_NEAR_ZOOM = 0.9;

function boundsOf(boxes: readonly FramedBox[]) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const box of boxes) {
    minX = Math.min(minX, box.position.x);
    minY = Math.min(minY, box.position.y);
    maxX = Math.max(maxX, box.position.x + box.width);
    maxY = Math.max(maxY, box.position.y + box.height);
  }
  return { x: minX, y: minY, width: Math.max(1, maxX - minX), height: Math.max(1, maxY - minY) };
}

/** The zoom at which every box fits in a canvas of the given size, padding included. */
export function fitZoom(boxes: readonly FramedBox[], width: number, height: number): number {
  if (boxes.length === 0 || width <= 0 || height <= 0) return 1;
  const bounds = boundsOf(boxes);
  return Math.min(width / (bounds.width * (1 + FIT_PADDING)), height / (bounds.height * (1 + FIT_PADDING)));
}

/** Whether a view is too big to frame whole: it is then framed around its focus, with a minimap. */
export function isBiggerThanScreen(boxes: readonly FramedBox[], width: number, height: number): boolean {
  return boxes.length > FRAME_WHOLE_LIMIT && fitZoom(boxes, width, height) < WHOLE_VIEW_ZOOM;
}

/**
 * One way to frame a view: the bounds of the boxes it shows and the zoom range it is shown at.
 * `frameView` tries a view's frames in order and takes the first whose bounds fit the canvas at
 * `atLeast` or more (the last is taken whatever its zoom).
 */
export interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
  minZoom: number;
  maxZoom: number;
  atLeast: number;
}

/**
 * The frames a view may open at, best first (see frameView), as plain numbers: they do not depend
 * on the canvas's size, so the server can hand them to the page's first-frame script, which picks
 * one for the canvas it measures before the browser's first paint. Null when the focus is not drawn.
 */
export function framesOf(boxes: readonly FramedBox[], options: { focusId: string; near: Iterable<string> }): Frame[] | null {
  const { focusId } = options;
  if (!boxes.some((box) => box.id === focusId)) return null;
  const whole = { ...boundsOf(boxes), minZoom: SMALLEST_WHOLE_ZOOM, maxZoom: MAX_WHOLE_ZOOM };
  if (boxes.length <= FRAME_WHOLE_LIMIT) return [{ ...whole, atLeast: 0 }];
  const near = new Set([focusId, ...options.near]);
  return [
    { ...whole, atLeast: WHOLE_VIEW_ZOOM },
    { ...boundsOf(boxes.filter((box) => near.has(box.id))), minZoom: READABLE_ZOOM, maxZoom: MAX_NEAR_ZOOM, atLeast: READABLE_ZOOM },
    { ...boundsOf(boxes.filter((box) => box.id === focusId)), minZoom: READABLE_ZOOM, maxZoom: MAX_NEAR_ZOOM, atLeast: 0 },
  ];
}

/**
 * The viewport of the first of `frames` that fits a `width`×`height` canvas at its `atLeast` zoom
 * (the last one otherwise), centred, its zoom clamped to the frame's range; null for a canvas with
 * no size. Self-contained on purpose (no closure, no helper, no syntax newer than the page's
 * browsers read): the explorer's first-frame script runs this function's own source text, so the
 * frame the browser paints first is exactly the one the canvas keeps once it hydrates.
 */
export function pickFrame(frames: readonly Frame[], width: number, height: number, padding: number): Viewport | null {
  if (!(width > 0 && height > 0) || frames.length === 0) return null;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const fit = Math.min(width / (frame.width * (1 + padding)), height / (frame.height * (1 + padding)));
    if (fit >= frame.atLeast || i === frames.length - 1) {
      const zoom = Math.min(frame.maxZoom, Math.max(frame.minZoom, fit));
      return { x: width / 2 - (frame.x + frame.width / 2) * zoom, y: height / 2 - (frame.y + frame.height / 2) * zoom, zoom: zoom };
    }
  }
  return null;
}

/**
 * The viewport a view opens at in a canvas of `width`×`height`: up to FRAME_WHOLE_LIMIT boxes, or
 * when the whole view stays legible, everything; otherwise the focus, its direct neighbours (`near`)
 * and the selection at a readable zoom, or, when even those do not fit readably, the focus alone,
 * so the focus is never off screen. Null when the focus is not among the boxes.
 */
export function frameView(
  boxes: readonly FramedBox[],
  options: { focusId: string; near: Iterable<string>; width: number; height: number },
): Viewport | null {
  const frames = framesOf(boxes, options);
  return frames ? pickFrame(frames, options.width, options.height, FIT_PADDING) : null;
}
