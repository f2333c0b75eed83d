import type { NodeDetail, RunSummary, VersionSummary } from "@/lib/lineage/types";
import { Badge, runStateTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, shortRunId } from "@/components/format";
import { PanelSection } from "./panel-section";
import { ShowMore } from "./show-more";
import { usePagedList, type PageLoader } from "./use-paged-list";

/** A dataset's versions or a job's runs; each opens the version graph of exactly that artefact. Long histories page. */
export function HistorySection({ detail, onOpenVersionGraph, loadPage }: { detail: NodeDetail; onOpenVersionGraph: (id: string) => void; loadPage?: PageLoader }) {
  if (detail.node.type === "dataset") return <VersionList detail={detail} onOpenVersionGraph={onOpenVersionGraph} loadPage={loadPage} />;
  if (detail.node.type === "job") return <RunList detail={detail} onOpenVersionGraph={onOpenVersionGraph} loadPage={loadPage} />;
  return null;
}

type ListProps = { detail: NodeDetail; onOpenVersionGraph: (id: string) => void; loadPage?: PageLoader };

function VersionList({ detail, onOpenVersionGraph, loadPage }: ListProps) {
  const paged = usePagedList<VersionSummary>("versions", detail.versions, detail.totals?.versions ?? detail.versions.length, loadPage);
  return (
    <PanelSection id="panel-history" title="Versions" count={detail.totals?.versions ?? detail.versions.length} testId="section-versions">
      {paged.items.length === 0 ? (
        <EmptyState compact title="No versions recorded" />
      ) : (
        <>
        <ul className="divide-y divide-line rounded-md border border-line">
          {paged.items.map((version) => (
            <li key={version.id}>
              <button
                type="button"
                onClick={() => onOpenVersionGraph(version.id)}
                className="flex w-full flex-col gap-0.5 px-3 py-2 text-left hover:bg-surface-muted"
                data-testid="version-row"
                data-node-id={version.id}
              >
                <span className="flex flex-wrap items-center gap-1.5">
                  <span className="font-mono text-sm font-semibold text-accent">{version.version}</span>
                  {version.isFailed ? <Badge tone="danger">failed</Badge> : null}
                  {version.isSynthetic ? <Badge tone="synthetic">◆ synthetic</Badge> : null}
                  <span className="ml-auto text-xs text-ink-muted">{formatDateTime(version.createdAt)}</span>
                </span>
                {version.reason ? <span className="line-clamp-2 text-xs text-ink">Why: {version.reason}</span> : null}
                {version.author ? <span className="text-[11px] text-ink-faint">by {version.author}</span> : null}
              </button>
            </li>
          ))}
        </ul>
        <ShowMore {...paged} onMore={paged.loadMore} testId="versions-more" />
        </>
      )}
    </PanelSection>
  );
}

function RunList({ detail, onOpenVersionGraph, loadPage }: ListProps) {
  const paged = usePagedList<RunSummary>("runs", detail.runs, detail.totals?.runs ?? detail.runs.length, loadPage);
  return (
    <PanelSection id="panel-history" title="Runs" count={detail.totals?.runs ?? detail.runs.length} testId="section-runs">
      {paged.items.length === 0 ? (
        <EmptyState compact title="No runs recorded" />
      ) : (
        <>
        <ul className="divide-y divide-line rounded-md border border-line">
          {paged.items.map((run) => (
            <li key={run.id}>
              <button
                type="button"
                onClick={() => onOpenVersionGraph(run.id)}
                className="flex w-full flex-col gap-0.5 px-3 py-2 text-left hover:bg-surface-muted"
                data-testid="run-row"
                data-node-id={run.id}
              >
                <span className="flex flex-wrap items-center gap-1.5">
                  <span className="font-mono text-sm font-semibold text-accent" title={run.runId}>
                    {shortRunId(run.runId)}
                  </span>
                  <Badge tone={runStateTone(run.state)}>{run.state.toLowerCase()}</Badge>
                  <span className="ml-auto text-xs text-ink-muted">{formatDateTime(run.startedAt)}</span>
                </span>
                {run.reason ? <span className="line-clamp-2 text-xs text-ink">Why: {run.reason}</span> : null}
                {run.errorMessage ? <span className="line-clamp-1 font-mono text-[11px] text-danger">{run.errorMessage}</span> : null}
              </button>
            </li>
          ))}
        </ul>
        <ShowMore {...paged} onMore={paged.loadMore} testId="runs-more" />
        </>
      )}
    </PanelSection>
  );
}
