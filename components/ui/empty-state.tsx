import type { ReactNode } from "react";
import { cn } from "./cn";

/** Says plainly that there is nothing here, why, and what to do next. */
export function EmptyState({
  title,
  children,
  action,
  icon,
  className,
  compact = false,
}: {
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
  className?: string;
  compact?: boolean;
}) {
  return (
    <div
      data-testid="empty-state"
      className={cn(
        "flex flex-col items-center text-center",
        compact ? "gap-1 px-3 py-4" : "gap-3 px-6 py-12",
        className,
      )}
    >
      {icon ? <div className="text-ink-faint">{icon}</div> : null}
      <p className={cn("font-medium text-ink", compact ? "text-sm" : "text-base")}>{title}</p>
      {children ? <div className="max-w-prose text-sm text-ink-muted">{children}</div> : null}
      {action ? <div className="mt-1">{action}</div> : null}
    </div>
  );
}
