/**
 * Two runs' metrics side by side (an experiment tracker's metrics, e.g. MLflow's): one row per
 * metric key either run logged, its latest value in each and the change from b to a. Metrics are
 * outcomes, not causes, so they sit beside the ranked differences rather than in them. Pure.
 */

export interface MetricValue {
  key: string;
  value: number | null;
}

export interface MetricComparisonRow {
  key: string;
  a: number | null;
  b: number | null;
  /** a − b when both are numbers, else null. */
  delta: number | null;
}

export function compareMetrics(a: readonly MetricValue[], b: readonly MetricValue[]): MetricComparisonRow[] {
  const byKey = (list: readonly MetricValue[]) => new Map(list.map((m) => [m.key, m.value]));
  const left = byKey(a);
  const right = byKey(b);
  return [...new Set([...left.keys(), ...right.keys()])].sort().map((key) => {
    const va = left.get(key) ?? null;
    const vb = right.get(key) ?? null;
    return { key, a: va, b: vb, delta: va !== null && vb !== null ? va - vb : null };
  });
}
