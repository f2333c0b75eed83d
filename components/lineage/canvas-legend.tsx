"use client";

import { NodeIcon, kindColour, kindLabel, type VisualKind } from "./node-icon";

const kinds: VisualKind[] = ["data", "model", "prompt", "output", "eval", "job", "run"];

/** What the colours, icons and markers on the canvas mean; folded by default. */
export function CanvasLegend() {
  return (
    <details className="absolute right-3 top-3 z-10 max-w-[15rem] rounded-md border border-line bg-surface/95 text-xs shadow-card backdrop-blur" data-testid="canvas-legend">
      <summary className="cursor-pointer select-none px-2.5 py-1.5 font-medium text-ink-muted hover:text-ink">Legend</summary>
      <div className="space-y-2 border-t border-line px-2.5 py-2">
        <ul className="space-y-1">
          {kinds.map((kind) => (
            <li key={kind} className="flex items-center gap-2 text-ink">
              <span style={{ color: kindColour(kind) }}>
                <NodeIcon kind={kind} size={14} />
              </span>
              {kindLabel[kind]}
            </li>
          ))}
        </ul>
        <ul className="space-y-1 border-t border-line pt-2 text-ink">
          <li className="flex items-center gap-2">
            <span className="rounded bg-danger px-1 text-[10px] font-semibold uppercase text-white">failed</span> failed run or check
          </li>
          <li className="flex items-center gap-2">
            <span className="rounded bg-warning-soft px-1 text-[10px] font-semibold uppercase text-warning">flagged</span> flag here or upstream
          </li>
          <li className="flex items-center gap-2">
            <span className="rounded bg-synthetic-soft px-1 text-[10px] font-semibold uppercase text-synthetic">◆ synthetic</span> dashed border
          </li>
          <li className="flex items-center gap-2">
            <span className="rounded-full border border-line-strong px-1.5 text-[11px] font-semibold text-ink-muted">+3</span> hidden neighbours
          </li>
          <li className="flex items-center gap-2">
            <svg width="28" height="6" aria-hidden="true">
              <line x1="0" y1="3" x2="28" y2="3" stroke="var(--edge)" strokeWidth="2" strokeDasharray="5 3" />
            </svg>
            edge closing a cycle
          </li>
        </ul>
        <p className="border-t border-line pt-2 text-ink-muted">
          Click: details · Double-click or Enter: re-centre · Arrows: move · Esc: clear
        </p>
      </div>
    </details>
  );
}
