import { memo } from "react";
import type { MetricComparisonRow } from "@/lib/lineage/metric-comparison";
import { Card, CardHeader } from "@/components/ui/card";

/**
 * The two compared runs' metrics side by side: what the differences above did to the outcome.
 * Shown only when either run logged metrics (an MLflow run does).
 */
export const MetricsComparison = memo(function MetricsComparison({ rows, aLabel, bLabel }: { rows: MetricComparisonRow[]; aLabel: string; bLabel: string }) {
  return (
    <Card aria-labelledby="metrics-comparison-heading" data-testid="metrics-comparison">
      <CardHeader title={<span id="metrics-comparison-heading">Metrics</span>} description="Latest value of each metric in the two runs compared." />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="bg-surface-muted text-xs text-ink-muted">
            <tr>
              <th scope="col" className="px-4 py-1.5 font-medium">Metric</th>
              <th scope="col" className="px-4 py-1.5 font-medium">{aLabel}</th>
              <th scope="col" className="px-4 py-1.5 font-medium">{bLabel}</th>
              <th scope="col" className="px-4 py-1.5 font-medium">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className="border-t border-line">
                <th scope="row" className="px-4 py-1.5 font-mono text-[12.5px] font-normal text-ink">{r.key}</th>
                <td className="px-4 py-1.5 font-mono text-[12.5px] tabular-nums text-ink">{format(r.a)}</td>
                <td className="px-4 py-1.5 font-mono text-[12.5px] tabular-nums text-ink">{format(r.b)}</td>
                <td className="px-4 py-1.5 font-mono text-[12.5px] tabular-nums text-ink-muted">{r.delta === null ? "—" : `${r.delta > 0 ? "+" : ""}${format(r.delta)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
});

function format(value: number | null): string {
  return value === null ? "—" : String(Number(value.toPrecision(6)));
}
