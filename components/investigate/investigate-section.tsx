"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import type { NodeFlags, SyntheticReportView } from "@/lib/lineage/investigate-view";
import type { LineageNode, VersionSummary } from "@/lib/lineage/types";
import { buttonClasses } from "@/components/ui/button";
import { errorMessage, fetchJson } from "@/components/api-client";
import { PanelSection } from "@/components/lineage/panel/panel-section";
import { FlagButton } from "./flag-button";
import { causesHref, investigateHref } from "./investigate-href";
import { formatShare } from "./investigate-node";

interface Loaded {
  flags: NodeFlags | null;
  synthetic: SyntheticReportView | null;
}

/** What the common-causes link of a panel says, by the node's type. */
const CAUSES_LINK: Partial<Record<LineageNode["type"], string>> = {
  job: "Common causes of this job's failures",
  dataset: "Common causes of its failed versions",
  run: "Common causes across this job's runs",
  datasetVersion: "Common causes across its versions",
};

/**
 * The side panel's investigation section: open the investigate view (failed versions and runs),
 * the common causes of a job's or a dataset's failures, the flags on the node or inherited from
 * upstream, a flag button (a version flags itself; a dataset flags one of its versions, the latest
 * by default), and the synthetic share and generation behind a version. Loads on its own, after
 * the rest of the panel.
 */
export function InvestigateSection({ node, versions = [] }: { node: LineageNode; versions?: VersionSummary[] }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const isVersion = node.type === "datasetVersion";
  const isFailed = node.isFailed || node.state === "FAILED";

  useEffect(() => {
    const controller = new AbortController();
    const id = encodeURIComponent(node.id);
    const wantsSynthetic = node.type === "datasetVersion" || node.type === "dataset";
    Promise.all([
      fetchJson<NodeFlags>(`/api/v1/investigate/flags?nodeId=${id}`, controller.signal),
      wantsSynthetic ? fetchJson<SyntheticReportView>(`/api/v1/investigate/synthetic?nodeId=${id}`, controller.signal).catch(() => null) : Promise.resolve(null),
    ])
      .then(([flags, synthetic]) => {
        setData({ flags, synthetic });
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, [node.id, node.type, reload]);

  const onSaved = useCallback(() => setReload((n) => n + 1), []);
  const flags = data?.flags;
  const active = flags?.direct.filter((f) => f.isActive) ?? [];
  const synthetic = data?.synthetic;

  return (
    <PanelSection id="panel-investigate" title="Investigate" testId="section-investigate">
      <div className="space-y-3">
        {(isFailed && (isVersion || node.type === "run")) || isVersion || (node.type === "dataset" && versions.length > 0) ? (
          <div className="flex flex-wrap gap-2">
            {isFailed && (isVersion || node.type === "run") ? (
              <Link href={investigateHref(node.id)} className={buttonClasses("danger", "sm")} data-testid="investigate-button">
                Investigate why it failed
              </Link>
            ) : null}
            {isVersion ? (
              <FlagButton node={node.id} label={`${node.name}@${node.version ?? ""}`} onSaved={onSaved} />
            ) : null}
            {node.type === "dataset" && versions.length > 0 ? (
              <FlagButton
                node={versions[0]!.id}
                label={node.name}
                versions={versions.map((v) => ({ id: v.id, label: `${node.name}@${v.version}` }))}
                buttonLabel="Flag a version"
                onSaved={onSaved}
              />
            ) : null}
          </div>
        ) : null}
        {CAUSES_LINK[node.type] && (node.type === "job" || node.type === "dataset" || isFailed) ? (
          <p className="text-sm">
            <Link href={causesHref(node.id)} className="font-medium text-accent hover:underline" data-testid="causes-link">
              {CAUSES_LINK[node.type]} →
            </Link>
          </p>
        ) : null}
        {error ? <p className="text-xs text-danger">{error}</p> : null}
        {flags ? (
          active.length === 0 && flags.inherited.length === 0 ? (
            <p className="text-sm text-ink-muted">{flags.isFlagged ? "Some of its versions or runs are affected by a flag." : "No flag on it or upstream of it."}</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="panel-flags">
              {active.map((f) => (
                <li key={f.flagId}>
                  <span className="mr-1 rounded bg-warning-soft px-1 text-[11px] font-semibold uppercase text-warning">{f.kind}</span>
                  <Link href={`/investigate/flags/${encodeURIComponent(f.flagId)}`} className="underline decoration-dotted hover:text-accent">flagged here</Link>
                  <span className="text-ink-muted">: {f.reason}</span>
                </li>
              ))}
              {flags.inherited.map((i) => (
                <li key={`${i.flagId}-${i.from}`} data-testid="panel-inherited-flag">
                  <span className="mr-1 rounded bg-warning-soft px-1 text-[11px] font-semibold uppercase text-warning">{i.flag.kind}</span>
                  <Link href={`/investigate/flags/${encodeURIComponent(i.flagId)}`} className="underline decoration-dotted hover:text-accent">{i.description}</Link>
                </li>
              ))}
            </ul>
          )
        ) : null}
        {synthetic && (synthetic.share > 0 || synthetic.generation > 0) ? (
          <div className="rounded-md bg-synthetic-soft px-3 py-2 text-sm text-ink" data-testid="panel-synthetic">
            <span className="font-semibold text-synthetic">◆ {formatShare(synthetic.share)} synthetic</span> behind it · generation {synthetic.generation}
            {synthetic.warnings.map((w) => (
              <p key={w.code} className="mt-1 text-xs font-medium text-warning">{w.message}</p>
            ))}
          </div>
        ) : null}
      </div>
    </PanelSection>
  );
}
