import type { NodeType } from "@/lib/lineage/types";

/** Dataset kinds with their own look; anything else falls back to "data". */
const DATASET_KINDS = ["data", "model", "prompt", "output", "eval"] as const;
export type VisualKind = (typeof DATASET_KINDS)[number] | "job" | "run";

/** The visual kind of a node: datasets and versions by dataset kind, jobs and runs by type. */
export function visualKindOf(type: NodeType | string, kind: string | null | undefined): VisualKind {
  if (type === "job") return "job";
  if (type === "run") return "run";
  return (DATASET_KINDS as readonly string[]).includes(kind ?? "") ? (kind as VisualKind) : "data";
}

/** The CSS colour of a visual kind (a variable, so it follows the theme). */
export function kindColour(kind: VisualKind): string {
  return `var(--kind-${kind})`;
}

export const kindLabel: Record<VisualKind, string> = {
  data: "Dataset",
  model: "Model",
  prompt: "Prompt",
  output: "Generated output",
  eval: "Evaluation set",
  job: "Job",
  run: "Run",
};

export const nodeTypeLabel: Record<NodeType, string> = {
  dataset: "Dataset",
  job: "Job",
  datasetVersion: "Dataset version",
  run: "Run",
};

/** One inline SVG per visual kind; stroke follows currentColor. */
export function NodeIcon({ kind, size = 16, className }: { kind: VisualKind; size?: number; className?: string }) {
  const common = {
    width: size,
    height: size,
    viewBox: "0 0 24 24",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
    "aria-hidden": true,
    className,
  };
  switch (kind) {
    case "model":
      // a cube: weights
      return (
        <svg {...common}>
          <path d="M12 2 3 7v10l9 5 9-5V7z" />
          <path d="M3 7l9 5 9-5M12 12v10" />
        </svg>
      );
    case "prompt":
      // a speech bubble with text
      return (
        <svg {...common}>
          <path d="M21 15a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
          <path d="M8 8h8M8 12h5" />
        </svg>
      );
    case "output":
      // sparkles: generated
      return (
        <svg {...common}>
          <path d="M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8z" />
          <path d="M19 15l.8 2.2L22 18l-2.2.8L19 21l-.8-2.2L16 18l2.2-.8z" />
        </svg>
      );
    case "eval":
      // a clipboard with a tick
      return (
        <svg {...common}>
          <rect x="5" y="4" width="14" height="18" rx="2" />
          <path d="M9 2h6v4H9z" />
          <path d="m9 14 2 2 4-4" />
        </svg>
      );
    case "job":
      // a gear
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="3" />
          <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
        </svg>
      );
    case "run":
      // play in a circle
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" />
          <path d="m10 8 6 4-6 4z" />
        </svg>
      );
    default:
      // a database cylinder
      return (
        <svg {...common}>
          <ellipse cx="12" cy="5" rx="8" ry="3" />
          <path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5" />
          <path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3" />
        </svg>
      );
  }
}
