"use client";

import { Button } from "./button";
import { cn } from "./cn";

/** Names what failed and why, and offers a retry when the caller can retry. */
export function ErrorState({
  title = "Something went wrong",
  message,
  onRetry,
  className,
  compact = false,
}: {
  title?: string;
  message: string;
  onRetry?: () => void;
  className?: string;
  compact?: boolean;
}) {
  return (
    <div
      role="alert"
      data-testid="error-state"
      className={cn(
        "flex flex-col gap-2 rounded-lg border border-danger/30 bg-danger-soft text-left",
        compact ? "p-3" : "p-5",
        className,
      )}
    >
      <p className="text-sm font-semibold text-danger">{title}</p>
      <p className="break-words text-sm text-ink">{message}</p>
      {onRetry ? (
        <div>
          <Button size="sm" onClick={onRetry}>
            Retry
          </Button>
        </div>
      ) : null}
    </div>
  );
}
