import type { LineageEdge, LineageNode, MorePlaceholder } from "@/lib/lineage/types";
import { morePlaceholderEdge } from "@/lib/lineage/fan-out";
import { kindColour, visualKindOf } from "@/components/lineage/node-icon";

/**
 * The lineage graph as one static SVG, laid out by the explorer's algorithm (boxes given by the
 * caller): for the printed report, where it stays vector-sharp on paper and needs no JavaScript.
 * Node names are real <text>, so the PDF can be searched.
 */

const PAD = 24;
const TYPE_LABEL: Record<LineageNode["type"], string> = {
  dataset: "Dataset",
  datasetVersion: "Version",
  job: "Job",
  run: "Run",
};

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Average glyph width of the system sans-serif as a share of the font size (bold a little wider). */
const GLYPH = { regular: 0.56, bold: 0.6 };

/**
 * A line of text for a box: the largest font size from `max` down to `min` at which it fits, and
 * the text itself clipped with an ellipsis only when even `min` does not fit.
 */
function fitLine(text: string, available: number, max: number, min: number, glyph: number): { text: string; size: number } {
  const size = Math.max(min, Math.min(max, available / Math.max(1, text.length * glyph)));
  return { text: clip(text, Math.floor(available / (size * glyph))), size: Math.round(size * 10) / 10 };
}

function secondLine(node: LineageNode): string {
  const parts = [TYPE_LABEL[node.type]];
  if (node.kind && node.type !== "run") parts.push(node.kind);
  if (node.version && node.type !== "job" && node.type !== "run") parts.push(`@${node.version}`);
  if (node.state) parts.push(node.state.toLowerCase());
  return parts.join(" · ");
}

export function StaticGraph({
  nodes,
  edges: viewEdges,
  more = [],
  boxes: layoutBoxes,
  width,
  height,
  focusId,
  title,
}: {
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** The view's "N more" placeholders (leaves folded away on screen), drawn as dashed pills. */
  more?: readonly MorePlaceholder[];
  boxes: Record<string, { x: number; y: number; width: number; height: number }>;
  width: number;
  height: number;
  focusId: string;
  title: string;
}) {
  const boxes = new Map(
    [...nodes, ...more].flatMap((n) => {
      const b = layoutBoxes[n.id];
      return b ? [[n.id, { ...b, x: b.x + PAD, y: b.y + PAD }] as const] : [];
    }),
  );
  const edges = [...viewEdges, ...more.map(morePlaceholderEdge)];
  const w = Math.ceil(width + 2 * PAD);
  const h = Math.ceil(height + 2 * PAD);
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      role="img"
      aria-label={title}
      className="tl-static-graph block h-auto max-w-none"
      // Legible on screen (scroll sideways when wide); print.css fits it to the page instead.
      style={{ width: `max(100%, ${Math.round(w * 0.8)}px)` }}
      xmlns="http://www.w3.org/2000/svg"
      data-testid="report-graph"
    >
      <title>{title}</title>
      <defs>
        <marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" fill="#7c8795" />
        </marker>
      </defs>
      <rect x="0" y="0" width={w} height={h} fill="#ffffff" />
      <g fill="none" stroke="#9aa3b0" strokeWidth="1.4">
        {edges.map((e) => {
          const s = boxes.get(e.source);
          const t = boxes.get(e.target);
          if (!s || !t) return null;
          const x1 = s.x + s.width;
          const y1 = s.y + s.height / 2;
          const x2 = t.x;
          const y2 = t.y + t.height / 2;
          const bend = Math.max(40, Math.abs(x2 - x1) / 2);
          return <path key={`${e.source}>${e.target}`} d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`} markerEnd="url(#tl-arrow)" />;
        })}
      </g>
      {nodes.map((n) => {
        const b = boxes.get(n.id);
        if (!b) return null;
        const colour = kindColour(visualKindOf(n.type, n.kind));
        const isFocus = n.id === focusId;
        const stroke = n.isFailed ? "#c62828" : isFocus ? "#3856d6" : "#c3c9d2";
        const available = b.width - 22;
        // A long name breaks after its last "/": the path prefix small above, the leaf name bold.
        const slash = n.name.lastIndexOf("/");
        const isSplit = n.name.length * 14 * GLYPH.bold > available && slash > 0;
        const prefix = isSplit ? fitLine(n.name.slice(0, slash + 1), available, 10.5, 9, GLYPH.regular) : null;
        const leaf = fitLine(isSplit ? n.name.slice(slash + 1) : n.name, available, 14, 11, GLYPH.bold);
        const meta = fitLine(secondLine(n), available, 11.5, 9.5, GLYPH.regular);
        const nameY = b.y + b.height / 2 + (isSplit ? 5 : -2);
        return (
          <g key={n.id} data-node-id={n.id}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx="8" fill="#ffffff" stroke={stroke} strokeWidth={isFocus || n.isFailed ? 2.2 : 1.2} />
            <rect x={b.x} y={b.y} width="5" height={b.height} rx="2" style={{ fill: colour }} />
            {prefix ? (
              <text x={b.x + 13} y={nameY - 16} fontSize={prefix.size} fill="#4a5563" fontFamily="system-ui, sans-serif">
                {prefix.text}
              </text>
            ) : null}
            <text x={b.x + 13} y={nameY} fontSize={leaf.size} fontWeight="600" fill="#17202b" fontFamily="system-ui, sans-serif">
              {leaf.text}
            </text>
            <text x={b.x + 13} y={nameY + 16} fontSize={meta.size} fill="#4a5563" fontFamily="system-ui, sans-serif">
              {meta.text}
            </text>
            {n.isFailed || n.isFlagged ? (
              <text
                x={b.x + b.width - 8}
                y={b.y + 14}
                textAnchor="end"
                fontSize="9.5"
                fontWeight="700"
                fill={n.isFailed ? "#c62828" : "#a35c00"}
                fontFamily="system-ui, sans-serif"
              >
                {[n.isFailed ? "FAILED" : null, n.isFlagged ? "FLAGGED" : null].filter(Boolean).join(" · ")}
              </text>
            ) : null}
          </g>
        );
      })}
      {more.map((m) => {
        const b = boxes.get(m.id);
        if (!b) return null;
        return (
          <g key={m.id} data-more-id={m.id}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={b.height / 2} fill="#f3f5f8" stroke="#9aa3b0" strokeDasharray="4 3" />
            <text x={b.x + b.width / 2} y={b.y + b.height / 2 + 4} textAnchor="middle" fontSize="12" fontWeight="600" fill="#4a5563" fontFamily="system-ui, sans-serif">
              {m.hiddenCount} more
            </text>
          </g>
        );
      })}
    </svg>
  );
}
