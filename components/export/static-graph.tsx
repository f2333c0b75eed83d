import type { LineageEdge, LineageNode } from "@/lib/lineage/types";
import { NODE_SIZE, flowNodeTypeOf } from "@/lib/lineage/flow-mapping";
import { kindColour, visualKindOf } from "@/components/lineage/node-icon";

/**
 * The lineage graph as one static SVG, from the same layout the explorer uses (same box sizes,
 * same positions): for the printed report, where it stays vector-sharp on paper and needs no
 * JavaScript. Node names are real <text>, so the PDF can be searched.
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

function secondLine(node: LineageNode): string {
  const parts = [TYPE_LABEL[node.type]];
  if (node.kind && node.type !== "run") parts.push(node.kind);
  if (node.version && node.type !== "job" && node.type !== "run") parts.push(`@${node.version}`);
  if (node.state) parts.push(node.state.toLowerCase());
  return parts.join(" · ");
}

export function StaticGraph({
  nodes,
  edges,
  positions,
  width,
  height,
  focusId,
  title,
}: {
  nodes: LineageNode[];
  edges: LineageEdge[];
  positions: Record<string, { x: number; y: number }>;
  width: number;
  height: number;
  focusId: string;
  title: string;
}) {
  const boxes = new Map(
    nodes.map((n) => {
      const size = NODE_SIZE[flowNodeTypeOf[n.type]];
      const p = positions[n.id] ?? { x: 0, y: 0 };
      return [n.id, { x: p.x + PAD, y: p.y + PAD, ...size }];
    }),
  );
  const w = Math.ceil(width + 2 * PAD);
  const h = Math.ceil(height + 2 * PAD);
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      role="img"
      aria-label={title}
      className="tl-static-graph block h-auto max-w-full"
      style={{ maxHeight: "70vh" }}
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
        const maxChars = Math.floor((b.width - 26) / 7.2);
        return (
          <g key={n.id} data-node-id={n.id}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx="8" fill="#ffffff" stroke={stroke} strokeWidth={isFocus || n.isFailed ? 2.2 : 1.2} />
            <rect x={b.x} y={b.y} width="5" height={b.height} rx="2" style={{ fill: colour }} />
            <text x={b.x + 14} y={b.y + b.height / 2 - 4} fontSize="13" fontWeight="600" fill="#17202b" fontFamily="system-ui, sans-serif">
              {clip(n.name, maxChars)}
            </text>
            <text x={b.x + 14} y={b.y + b.height / 2 + 14} fontSize="11" fill="#55606e" fontFamily="system-ui, sans-serif">
              {clip(secondLine(n), maxChars + 4)}
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
    </svg>
  );
}
