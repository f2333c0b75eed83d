"use client";

import { useSyncExternalStore } from "react";
import { FIT_PADDING, pickFrame, type Frame } from "@/lib/lineage/framing";
import { MIN_DETAIL_ZOOM } from "./nodes/node-parts";
import { FULL_FORM_ZOOM } from "@/lib/lineage/compact-view";

/**
 * The explorer's first view is drawn on the server, so the browser paints the graph from the HTML
 * before any script has loaded. The server cannot know the canvas's size, so it frames the view for
 * DEFAULT_CANVAS; FirstFrameScript, inline scripts around the explorer's markup, measures the real
 * canvas while the page is still being parsed (before the boxes are first painted) and holds the
 * view at the frame for that size with a style rule; once React Flow has hydrated, the canvas moves
 * itself to that same frame (`pickFrame` on both sides) and drops the rule (clearFirstFrame).
 */

/** The canvas the server frames the first view for: the explorer's at 1440×900 with no side panel. */
export const DEFAULT_CANVAS = { width: 1440, height: 795 } as const;

const STYLE_ID = "tl-first-frame";
const CANVAS_SELECTOR = '[data-testid="lineage-canvas"]';

const noSubscription = () => () => {};
/**
 * True while this render produces or hydrates server HTML, false in the browser afterwards (and for
 * anything mounted there later): what the server drew, and only that, needs the first-frame script.
 */
export function useIsServerRender(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => false,
    () => true,
  );
}

/** The rule that hides the canvas's boxes until the frame is known (the first script sets it). */
const HOLD_RULE = `${CANVAS_SELECTOR} .react-flow__viewport{opacity:0}`;

/** The first script's source: hides the boxes parsed next until the second one has framed them. */
const HOLD_SOURCE = `(function(){var e=document.createElement("style");e.id=${JSON.stringify(STYLE_ID)};e.textContent=${JSON.stringify(HOLD_RULE)};document.head.appendChild(e)})()`;

/**
 * The second script's source: pickFrame's own text, run on the frames of the view and the measured
 * canvas; its rule holds the view at that frame (over React Flow's own transform) and shows it.
 * The boxes drawn can be in the wrong form for the real canvas, so they stay hidden until the page
 * hydrates and draws them in the right one, rather than change before the user's eyes: boxes take
 * their minimal form below MIN_DETAIL_ZOOM, and a small view (one frame: framed whole) that this
 * canvas would show below FULL_FORM_ZOOM is drawn in its compact form, which only the browser can
 * lay out (lib/lineage/compact-view.ts).
 */
export function firstFrameSource(frames: readonly Frame[]): string {
  const drawn = pickFrame(frames, DEFAULT_CANVAS.width, DEFAULT_CANVAS.height, FIT_PADDING);
  const isDrawnMinimal = !!drawn && drawn.zoom < MIN_DETAIL_ZOOM;
  const rule = `${CANVAS_SELECTOR} .react-flow__viewport{transform:translate(`;
  const isSmall = frames.length === 1;
  return `(function(){var e=document.getElementById(${JSON.stringify(STYLE_ID)});if(!e)return;var s=document.currentScript,c=s&&s.parentElement&&s.parentElement.querySelector(${JSON.stringify(CANVAS_SELECTOR)}),r=c&&c.getBoundingClientRect(),v=r&&(${pickFrame.toString()})(${JSON.stringify(frames)},r.width,r.height,${FIT_PADDING});if(!v){e.textContent="";return}e.textContent=${JSON.stringify(rule)}+v.x+"px,"+v.y+"px) scale("+v.zoom+")!important}"+${JSON.stringify(`${CANVAS_SELECTOR} .react-flow__background{visibility:hidden}`)}+((v.zoom<${MIN_DETAIL_ZOOM})===${isDrawnMinimal}&&!(${isSmall}&&v.zoom<${FULL_FORM_ZOOM})?"":${JSON.stringify(HOLD_RULE)})})()`;
}

/**
 * The two inline scripts of a canvas the server draws: `hold` goes before the canvas (the boxes
 * stay hidden while the rest of the explorer is parsed), `frame` after the canvas and the side
 * panel (whose sizes are known only once both are parsed). Rendered by the server and kept through
 * hydration, then gone. The nonce is the page's Content-Security-Policy nonce: without it the
 * browser refuses an inline script. With JavaScript off neither runs, and the server's frame (for
 * DEFAULT_CANVAS) shows as it is.
 */
export function FirstFrameScript({ frames, nonce, part }: { frames: readonly Frame[]; nonce: string | undefined; part: "hold" | "frame" }) {
  const isServerRender = useIsServerRender();
  if (!isServerRender) return null;
  // The browser hides a nonce from the DOM once parsed, and the client's copy of pickFrame is
  // minified differently: neither is a real difference from the server's markup.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: part === "hold" ? HOLD_SOURCE : firstFrameSource(frames) }} />;
}

/** Drops the first-frame rule: the canvas holds the real frame itself from now on. */
export function clearFirstFrame(): void {
  document.getElementById(STYLE_ID)?.remove();
}
