"use client";

import { Button } from "@/components/ui/button";

/** The foot of a paged list: how many are not shown, and a button for the next page when there is an API to ask. */
export function ShowMore({ remaining, canLoadMore, isLoading, error, onMore, testId }: {
  remaining: number;
  canLoadMore: boolean;
  isLoading: boolean;
  error: string | null;
  onMore: () => void;
  testId?: string;
}) {
  if (remaining === 0) return null;
  return (
    <div className="mt-1 flex flex-wrap items-center gap-2 px-2 text-xs text-ink-muted" data-testid={testId}>
      <span>{remaining.toLocaleString("en-US")} more not shown</span>
      {canLoadMore ? (
        <Button size="sm" variant="secondary" onClick={onMore} disabled={isLoading}>
          {isLoading ? "Loading…" : "Show more"}
        </Button>
      ) : null}
      {error ? <span role="alert" className="text-danger">{error}</span> : null}
    </div>
  );
}
