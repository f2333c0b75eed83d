import type { ReactNode } from "react";
import { cn } from "./cn";

export type BadgeTone = "neutral" | "accent" | "danger" | "warning" | "success" | "info" | "synthetic";

const toneClasses: Record<BadgeTone, string> = {
  neutral: "bg-surface-muted text-ink-muted border-line",
  accent: "bg-accent-soft text-accent border-transparent",
  danger: "bg-danger-soft text-danger border-transparent",
  warning: "bg-warning-soft text-warning border-transparent",
  success: "bg-success-soft text-success border-transparent",
  info: "bg-info-soft text-info border-transparent",
  synthetic: "bg-synthetic-soft text-synthetic border-transparent",
};

/** A short label: a state, a kind, a flag. */
export function Badge({
  tone = "neutral",
  children,
  className,
  title,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium leading-4",
        toneClasses[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

/** The badge tone for a run state, so every list colours states the same way. */
export function runStateTone(state: string | null | undefined): BadgeTone {
  switch (state) {
    case "FAILED":
      return "danger";
    case "ABORTED":
      return "warning";
    case "RUNNING":
      return "info";
    case "COMPLETED":
      return "success";
    default:
      return "neutral";
  }
}
