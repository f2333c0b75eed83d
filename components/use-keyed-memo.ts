import { useRef } from "react";

/**
 * `compute()`'s value, recomputed only when `key` changes: for work keyed on a structure (a layout
 * keyed on the sorted node and edge ids) whose inputs arrive as new objects on every change that
 * does not touch it (a selection, a highlight). Unlike `useMemo`, the key says what the value
 * depends on, so no dependency list has to pretend otherwise.
 */
export function useKeyedMemo<T>(key: string, compute: () => T): T {
  const memo = useRef<{ key: string; value: T } | null>(null);
  if (memo.current === null || memo.current.key !== key) memo.current = { key, value: compute() };
  return memo.current.value;
}
