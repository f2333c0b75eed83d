import type { ReactNode } from "react";
import type { NodeDetail, RunSummary, VersionSummary } from "@/lib/lineage/types";
import { Badge, runStateTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, shortRunId } from "@/components/format";
import { PanelSection } from "./panel-section";
import { ShowMore } from "./show-more";
import { usePagedList, type PageLoader } from "./use-paged-list";

/** A dataset's versions or a job's runs; each opens the version graph of exactly that artefact. Long histories page. */
export function HistorySection({ detail, onOpenVersionGraph, loadPage }: { detail: NodeDetail; onOpenVersionGraph: (id: string) => void; loadPage?: PageLoader }) {
  if (detail.node.type === "dataset") return <HistoryList list="versions" detail={detail} onOpen={onOpenVersionGraph} loadPage={loadPage} renderRow={versionRow} />;
  if (detail.node.type === "job") return <HistoryList list="runs" detail={detail} onOpen={onOpenVersionGraph} loadPage={loadPage} renderRow={runRow} />;
  return null;
}

const HISTORY = {
  versions: { title: "Versions", rowTestId: "version-row" },
  runs: { title: "Runs", rowTestId: "run-row" },
} as const;

type HistoryItem<L extends keyof typeof HISTORY> = NodeDetail[L][number];

/** One history list (a dataset's `versions`, a job's `runs`): a button a row, paged by "Show more". */
function HistoryList<L extends keyof typeof HISTORY>({
  list,
  detail,
  onOpen,
  loadPage,
  renderRow,
}: {
  list: L;
  detail: NodeDetail;
  onOpen: (id: string) => void;
  loadPage?: PageLoader;
  renderRow: (item: HistoryItem<L>) => ReactNode;
}) {
  const first = detail[list] as HistoryItem<L>[];
  const total = detail.totals?.[list] ?? first.length;
  const paged = usePagedList<HistoryItem<L>>(list, first, total, loadPage);
  const { title, rowTestId } = HISTORY[list];
  return (
    <PanelSection id="panel-history" title={title} count={total} testId={`section-${list}`}>
      {paged.items.length === 0 ? (
        <EmptyState compact title={`No ${list} recorded`} />
      ) : (
        <>
          <ul className="divide-y divide-line rounded-md border border-line">
            {paged.items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  onClick={() => onOpen(item.id)}
                  className="flex w-full flex-col gap-0.5 px-3 py-2 text-left hover:bg-surface-muted"
                  data-testid={rowTestId}
                  data-node-id={item.id}
                >
                  {renderRow(item)}
                </button>
              </li>
            ))}
          </ul>
          <ShowMore {...paged} onMore={paged.loadMore} testId={`${list}-more`} />
        </>
      )}
    </PanelSection>
  );
}

function versionRow(version: VersionSummary) {
  return (
    <>
      <span className="flex flex-wrap items-center gap-1.5">
        <span className="font-mono text-sm font-semibold text-accent">{version.version}</span>
        {version.isFailed ? <Badge tone="danger">failed</Badge> : null}
        {version.isSynthetic ? <Badge tone="synthetic">◆ synthetic</Badge> : null}
        <span className="ml-auto text-xs text-ink-muted">{formatDateTime(version.createdAt)}</span>
      </span>
      {version.reason ? <span className="line-clamp-2 text-xs text-ink">Why: {version.reason}</span> : null}
      {version.author ? <span className="text-[11px] text-ink-faint">by {version.author}</span> : null}
    </>
  );
}

function runRow(run: RunSummary) {
  return (
    <>
      <span className="flex flex-wrap items-center gap-1.5">
        <span className="font-mono text-sm font-semibold text-accent" title={run.runId}>
          {shortRunId(run.runId)}
        </span>
        <Badge tone={runStateTone(run.state)}>{run.state.toLowerCase()}</Badge>
        <span className="ml-auto text-xs text-ink-muted">{formatDateTime(run.startedAt)}</span>
      </span>
      {run.reason ? <span className="line-clamp-2 text-xs text-ink">Why: {run.reason}</span> : null}
      {run.errorMessage ? <span className="line-clamp-1 font-mono text-[11px] text-danger">{run.errorMessage}</span> : null}
    </>
  );
}
