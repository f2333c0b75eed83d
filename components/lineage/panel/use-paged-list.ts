"use client";

import { useCallback, useState } from "react";
import type { DetailListName, DetailListPage } from "@/lib/lineage/types";

/** Fetches the next page of one list of a node's details; absent where there is nothing to page (a share's snapshot). */
export type PageLoader = (list: DetailListName, cursor: string) => Promise<DetailListPage>;

/**
 * A NodeDetail list that starts with the first page the details carry and grows a page at a time
 * on request ("Show more"), for nodes with thousands of neighbours, inputs, versions or runs.
 */
export function usePagedList<T>(list: DetailListName, first: T[], total: number, loadPage?: PageLoader) {
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(first.length < total ? String(first.length) : null);
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const loadMore = useCallback(async () => {
    if (!loadPage || cursor === null) return;
    setIsLoading(true);
    setError(null);
    try {
      const page = await loadPage(list, cursor);
      setMore((items) => [...items, ...(page.items as T[])]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setIsLoading(false);
    }
  }, [cursor, list, loadPage]);

  const items = more.length > 0 ? [...first, ...more] : first;
  return { items, remaining: Math.max(0, total - items.length), canLoadMore: Boolean(loadPage) && cursor !== null, loadMore, isLoading, error };
}
