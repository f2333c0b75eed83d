"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import type { CausesView, Investigation } from "@/lib/lineage/investigate-view";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { InlineForm } from "@/components/ui/inline-form";
import { formatDateTime } from "@/components/format";
import { lineageHref } from "@/lib/lineage/url-state";
import { CausesTable } from "./causes-table";
import { DifferencesList } from "./differences-list";
import { FailureSummary } from "./failure-summary";
import { FlagButton } from "./flag-button";
import { InvestigateGraph } from "./investigate-graph";
import { MetricsComparison } from "./metrics-comparison";
import { ExportMenu } from "@/components/export/export-menu";
import { AsOfBanner } from "@/components/view/as-of-banner";
import { investigateHref } from "./investigate-href";
import { SyntheticCard } from "./synthetic-card";
import { nodeTitle } from "@/lib/lineage/node-title";

const LEGEND = [
  { label: "investigating", className: "ring-2 ring-accent" },
  { label: "changed", className: "border-2 border-warning" },
  { label: "added (only behind this)", className: "border-2 border-info" },
  { label: "comparison side", className: "border-2 border-dashed border-success" },
  { label: "removed (only behind comparison)", className: "border-2 border-dashed border-line-strong" },
];

/**
 * The investigate view: why the node failed (on top), the version graph of exactly what made it
 * as it was then, marked against a good comparison, the ranked differences with their recorded
 * reasons, the synthetic data behind it and the common causes across its siblings.
 */
export function InvestigateView({ investigation, causes }: { investigation: Investigation; causes: CausesView | null }) {
  const router = useRouter();
  const { target, asOf, comparison, diff, synthetic } = investigation;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [reveal, setReveal] = useState<{ id: string; count: number } | null>(null);
  const [showComparison, setShowComparison] = useState(true);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const [otherId, setOtherId] = useState("");
  const [asOfText, setAsOfText] = useState(asOf.isRequested && asOf.time ? asOf.time : "");

  const asOfParam = asOf.isRequested ? String(asOf.seq) : null;
  const targetLabel = nodeTitle(target, "@");
  const nodesById = useMemo(() => new Map(investigation.graph.nodes.map((n) => [n.id, n])), [investigation.graph.nodes]);
  const selected = selectedId ? nodesById.get(selectedId) ?? null : null;

  const onReveal = useCallback((id: string) => {
    setSelectedId(id);
    setShowComparison(true);
    setOnlyDifferences(false);
    setReveal((r) => ({ id, count: (r?.count ?? 0) + 1 }));
  }, []);

  const compareWith = (id: string) => router.push(investigateHref(target.id, { compare: id, asOf: asOfParam }));
  const onOther = () => {
    if (otherId.trim()) compareWith(otherId.trim());
  };
  const onAsOf = () => {
    router.push(investigateHref(target.id, { compare: comparison.isDefault ? null : comparison.b?.id, asOf: asOfText.trim() || null }));
  };

  return (
    <>
    {asOf.isRequested ? (
      <AsOfBanner
        point={asOf}
        back={
          <Link
            href={investigateHref(target.id, { compare: comparison.isDefault ? null : comparison.b?.id })}
            className="font-medium text-accent underline-offset-2 hover:underline"
            data-testid="as-of-back"
          >
            back to when it was made
          </Link>
        }
      />
    ) : null}
    <div className="mx-auto w-full max-w-[1600px] space-y-4 px-4 py-5 sm:px-6" data-testid="investigate-view" data-node-id={target.id}>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs font-medium text-ink-muted">
            <Link href="/investigate" className="hover:text-accent">Investigate</Link> · {target.type === "run" ? "Run" : "Dataset version"} · {target.namespace}
          </p>
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold tracking-tight text-ink" data-testid="investigate-title">
            <span className="break-all">{target.name}</span>
            {target.type === "datasetVersion" && target.version ? <span className="font-mono text-base font-normal text-ink-muted">@{target.version}</span> : null}
            {investigation.failure.isFailed ? <Badge tone="danger">failed</Badge> : <Badge tone="success">not failed</Badge>}
            {investigation.flags.isFlagged ? <Badge tone="warning">flagged</Badge> : null}
          </h1>
          <p className="mt-1 text-sm text-ink-muted" data-testid="as-of-line">
            {asOf.isRequested ? "Shown as of" : "As it was when it was made:"} event #{asOf.seq}
            {asOf.time ? `, ${formatDateTime(asOf.time)}` : ""}. Later events do not change this graph.
            {asOf.isRequested ? (
              <>
                {" "}
                <Link className="underline decoration-dotted hover:text-accent" href={investigateHref(target.id, { compare: comparison.isDefault ? null : comparison.b?.id })}>
                  Back to when it was made
                </Link>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Link href={lineageHref(target.id)} className={buttonClasses("secondary", "sm")} data-testid="open-in-explorer">
            Open in explorer
          </Link>
          {target.type === "datasetVersion" ? (
            <>
              <FlagButton node={target.id} label={targetLabel} />
              {!investigation.failure.isFailed ? (
                <FlagButton node={target.id} label={targetLabel} defaultKind="failed" buttonLabel="Mark failed" variant="ghost" />
              ) : null}
            </>
          ) : null}
          <InlineForm
            id="as-of-input"
            label="As of (ISO time or date)"
            ariaLabel="Show as of a time"
            value={asOfText}
            onValueChange={setAsOfText}
            placeholder="as of 2026-10-25"
            submitLabel="Show as of"
            onSubmit={onAsOf}
            className="items-center"
            inputClassName="w-40"
          />
        </div>
      </header>

      <FailureSummary investigation={investigation} />

      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <Card className="flex min-w-0 flex-col" aria-labelledby="graph-heading">
          <CardHeader
            title={<span id="graph-heading">What made it: the exact version graph</span>}
            description={
              comparison.b
                ? `Upstream of ${targetLabel} and of the comparison ${nodeTitle(comparison.b, "@")}, marked by how they differ.`
                : `Upstream of ${targetLabel}.`
            }
            action={
              comparison.b ? (
                <div className="flex shrink-0 flex-col gap-1">
                  <label className="flex items-center gap-1.5 text-xs text-ink-muted">
                    <input type="checkbox" checked={showComparison} onChange={(e) => setShowComparison(e.target.checked)} data-testid="toggle-comparison" />
                    show the comparison&apos;s side
                  </label>
                  <label className="flex items-center gap-1.5 text-xs text-ink-muted">
                    <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} data-testid="toggle-only-differences" />
                    only what differs
                  </label>
                </div>
              ) : null
            }
          />
          <ul className="flex flex-wrap gap-x-4 gap-y-1 border-b border-line px-4 py-2 text-xs text-ink-muted" aria-label="Legend">
            {LEGEND.map((l) => (
              <li key={l.label} className="flex items-center gap-1.5">
                <span className={`inline-block h-3 w-5 rounded-sm bg-surface ${l.className}`} aria-hidden="true" />
                {l.label}
              </li>
            ))}
          </ul>
          <div className="relative min-h-[560px] flex-1 bg-[var(--canvas)]">
            <ReactFlowProvider>
              <InvestigateGraph
                investigation={investigation}
                selectedId={selectedId}
                showComparison={showComparison}
                onlyDifferences={onlyDifferences}
                onSelect={setSelectedId}
                reveal={reveal}
              />
              {/* The investigation is everything upstream of the target, drawn whole (nothing folded):
                  exports take the same view, pinned to its event and named by its chain hash. */}
              <ExportMenu
                view={{ node: target.id, depth: 50, direction: "upstream", expand: [], fold: false, selected: selectedId }}
                point={{ seq: asOf.seq, hash: asOf.hash, time: asOf.time, isAsOf: true }}
                focusLabel={targetLabel}
              />
            </ReactFlowProvider>
            {selected ? (
              <div className="absolute left-3 top-3 z-10 max-w-sm rounded-md border border-line bg-surface px-3 py-2 text-sm shadow-overlay" data-testid="selected-node">
                <p className="break-all font-medium text-ink">{nodeTitle(selected, "@")}</p>
                <p className="text-xs text-ink-muted">
                  {diff?.marks[selected.id] && diff.marks[selected.id] !== "same" ? `${diff.marks[selected.id]} · ` : ""}
                  {selected.kind ?? selected.type}
                </p>
                <div className="mt-1.5 flex gap-2 text-xs">
                  <Link href={lineageHref(selected.id)} className="font-medium text-accent hover:underline">Open in explorer</Link>
                  {selected.id !== target.id ? (
                    <Link href={investigateHref(selected.id)} className="font-medium text-accent hover:underline">Investigate this</Link>
                  ) : null}
                </div>
              </div>
            ) : null}
            {investigation.graph.truncated ? (
              <p className="absolute bottom-3 right-3 z-10 rounded bg-warning-soft px-2 py-1 text-xs text-warning">The graph was cut at its node budget.</p>
            ) : null}
          </div>
        </Card>

        <Card className="flex min-w-0 flex-col" aria-labelledby="diff-heading" data-testid="diff-card">
          <CardHeader
            title={<span id="diff-heading">Differences, most telling first</span>}
            description={
              comparison.b ? (
                <>
                  against{" "}
                  <span className="font-medium text-ink" data-testid="comparison-label">{nodeTitle(comparison.b, "@")}</span>
                  {comparison.isDefault ? (target.type === "run" ? " (the most recent passing run of the same job)" : " (the most recent passing output of the same job)") : ""}
                </>
              ) : (
                "No passing output of the same job to compare with."
              )
            }
          />
          <div className="space-y-2 border-b border-line px-4 py-2">
            <label className="block text-xs font-medium text-ink-muted">
              Compare with
              <select
                className="mt-1 block h-8 w-full rounded-md border border-line bg-surface px-2 text-sm text-ink"
                value={comparison.b?.id ?? ""}
                onChange={(e) => e.target.value && compareWith(e.target.value)}
                data-testid="compare-select"
              >
                {comparison.b && !comparison.candidates.some((c) => c.id === comparison.b?.id) ? (
                  <option value={comparison.b.id}>{nodeTitle(comparison.b, "@")}</option>
                ) : null}
                {!comparison.b ? <option value="">Choose…</option> : null}
                {comparison.candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label} — {c.isFailed ? "failed" : "passed"}
                  </option>
                ))}
              </select>
            </label>
            <InlineForm
              id="compare-other"
              label="Any other version or run id"
              value={otherId}
              onValueChange={setOtherId}
              placeholder="or any version / run id"
              submitLabel="Compare"
              onSubmit={onOther}
              inputClassName="min-w-0 flex-1 font-mono"
            />
          </div>
          <div className="max-h-[560px] min-h-0 flex-1 overflow-y-auto">
            {diff ? <DifferencesList ranked={diff.ranked} selectedId={selectedId} onReveal={onReveal} /> : null}
          </div>
        </Card>
      </div>

      {investigation.metrics && comparison.b ? (
        <MetricsComparison rows={investigation.metrics} aLabel={targetLabel} bLabel={nodeTitle(comparison.b, "@")} />
      ) : null}

      <div className={synthetic ? "grid gap-4 xl:grid-cols-[26rem_minmax(0,1fr)]" : "grid gap-4"}>
        {synthetic ? <SyntheticCard report={synthetic} /> : null}
        {causes ? <CausesTable causes={causes} /> : null}
      </div>
    </div>
    </>
  );
}
