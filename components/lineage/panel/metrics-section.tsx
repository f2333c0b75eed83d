import { memo } from "react";
import type { NodeDetail } from "@/lib/lineage/types";
import { readEvaluationMetrics } from "@/lib/schemas/threadline-facets";
import { PanelSection, PanelTable, type PanelColumn } from "./panel-section";

const METRIC_COLUMNS: readonly PanelColumn[] = [{ label: "Metric", className: "w-[42%]" }, { label: "Latest" }, { label: "Step · values", className: "w-[28%]" }];

/**
 * The metrics a run logged (an experiment tracker's, e.g. MLflow's): the latest value of each, the
 * step it was logged at and how many values the history holds. Nothing shows when a run has none.
 */
export const MetricsSection = memo(function MetricsSection({ detail }: { detail: NodeDetail }) {
  if (detail.node.type !== "run") return null;
  const metrics = readEvaluationMetrics(detail.facets);
  if (metrics.length === 0) return null;
  return (
    <PanelSection id="panel-metrics" title="Metrics" count={metrics.length} testId="section-metrics">
      <PanelTable caption="Latest value of each metric the run logged" columns={METRIC_COLUMNS} testId="metrics-table">
        {metrics.map((m) => (
          <tr key={`${m.key}:${m.datasetName ?? ""}`} className="border-t border-line align-top">
            <th scope="row" className="break-words px-2.5 py-1.5 font-mono text-[12.5px] font-normal text-ink">
              {m.key}
              {m.datasetName ? <span className="block text-[11px] text-ink-muted">on {m.datasetName}{m.datasetDigest ? ` @ ${m.datasetDigest}` : ""}</span> : null}
            </th>
            <td className="break-words px-2.5 py-1.5 font-mono text-[12.5px] tabular-nums text-ink">{m.value === null ? "NaN" : String(m.value)}</td>
            <td className="px-2.5 py-1.5 text-xs tabular-nums text-ink-muted">
              {m.step ?? 0}
              {m.historyLength !== null ? ` · ${m.historyLength}` : ""}
            </td>
          </tr>
        ))}
      </PanelTable>
    </PanelSection>
  );
});
