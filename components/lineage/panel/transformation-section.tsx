import type { NodeDetail, Transformation } from "@/lib/lineage/types";
import { useIsFrozenView } from "../frozen-view";
import { Badge, runStateTone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime, formatDuration, shortRunId } from "@/components/format";
import { NodeRefSection } from "./node-ref-list";
import type { PageLoader } from "./use-paged-list";
import { Field, PanelSection, PanelTable, type PanelColumn } from "./panel-section";
import { runIdOf } from "@/lib/lineage/node-id";
import { linkableUrl } from "@/lib/safe-url";

const PARAMETER_COLUMNS: readonly PanelColumn[] = [{ label: "Parameter", className: "w-[42%]" }, { label: "Value" }];

/**
 * What made this node: the job and run, its code or SQL, its parameters as a table, its inputs and
 * outputs, its times and state, and the error with its stack trace folded away.
 */
export function TransformationSection({ detail, onOpen, loadPage }: { detail: NodeDetail; onOpen: (id: string) => void; loadPage?: PageLoader }) {
  const transformation = detail.transformation;
  const isDatasetLike = detail.node.type === "dataset" || detail.node.type === "datasetVersion";
  return (
    <PanelSection id="panel-transformation" title="Transformation" testId="section-transformation">
      {transformation ? (
        <TransformationBody transformation={transformation} totals={detail.totals} onOpen={onOpen} loadPage={loadPage} isOwn={!isDatasetLike} />
      ) : (
        <EmptyState compact title={isDatasetLike ? "No recorded transformation" : "No run recorded"}>
          {isDatasetLike
            ? "No job is recorded as writing this dataset: it is a source, loaded from outside the pipeline."
            : "This job has no recorded run yet."}
        </EmptyState>
      )}
    </PanelSection>
  );
}

function TransformationBody({ transformation, totals, onOpen, loadPage, isOwn }: {
  transformation: Transformation;
  /** Absent in share snapshots taken before lists were paged. */
  totals: NodeDetail["totals"] | undefined;
  onOpen: (id: string) => void;
  loadPage?: PageLoader;
  isOwn: boolean;
}) {
  const { job, run, inputs, outputs } = transformation;
  const ends = [
    { list: "inputs", title: "Inputs", refs: inputs },
    { list: "outputs", title: "Outputs", refs: outputs },
  ] as const;
  return (
    <div className="space-y-4">
      <dl>
        <Field label="Job">
          {isOwn ? (
            <span className="font-medium">{job.name}</span>
          ) : (
            <button type="button" onClick={() => onOpen(job.id)} className="font-medium text-accent hover:underline">
              {job.name}
            </button>
          )}
          {job.kind ? <span className="text-ink-muted"> · {job.kind}</span> : null}
        </Field>
        {run ? (
          <>
            <Field label="Run">
              <button type="button" onClick={() => onOpen(run.id)} className="font-mono text-[13px] text-accent hover:underline" title={run.runId}>
                {shortRunId(run.runId)}
              </button>{" "}
              <Badge tone={runStateTone(run.state)}>{run.state.toLowerCase()}</Badge>
            </Field>
            <Field label="Started">{formatDateTime(run.startedAt)}</Field>
            <Field label="Ended">{formatDateTime(run.endedAt)}</Field>
            <Field label="Duration">{formatDuration(run.durationMs)}</Field>
            {run.nominalTime ? <Field label="Nominal time">{formatDateTime(run.nominalTime)}</Field> : null}
            {run.parentRun ? (
              <Field label="Parent run">
                <button type="button" onClick={() => onOpen(run.parentRun!)} className="font-mono text-[13px] text-accent hover:underline">
                  {runIdOf(run.parentRun).slice(0, 8)}
                </button>
              </Field>
            ) : null}
            {run.author ? <Field label="Author">{run.author}</Field> : null}
          </>
        ) : null}
      </dl>

      {run?.reason ? (
        <div className="rounded-md border-l-4 border-accent bg-accent-soft px-3 py-2" data-testid="run-reason">
          <p className="text-xs font-semibold uppercase tracking-wide text-accent">Reason for this run</p>
          <p className="mt-0.5 whitespace-pre-line text-sm text-ink">{run.reason}</p>
        </div>
      ) : null}

      {run?.errorMessage ? (
        <div role="alert" className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2" data-testid="run-error">
          <p className="text-xs font-semibold uppercase tracking-wide text-danger">Error</p>
          <p className="mt-0.5 whitespace-pre-line break-words text-sm text-ink">{run.errorMessage}</p>
          {run.stackTrace ? (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs font-medium text-danger">Stack trace</summary>
              <pre className="mt-1 max-h-64 overflow-auto whitespace-pre rounded bg-surface p-2 font-mono text-[11px] leading-4 text-ink">{run.stackTrace}</pre>
            </details>
          ) : null}
        </div>
      ) : null}

      <div>
        <h4 className="mb-1.5 text-sm font-semibold text-ink">Parameters</h4>
        {run && run.parameters.length > 0 ? (
          <PanelTable caption={`Parameters of run ${run.runId}`} columns={PARAMETER_COLUMNS} testId="parameters-table">
            {run.parameters.map((parameter) => (
              <tr key={`${parameter.source}:${parameter.key}`} className="border-t border-line align-top">
                <th scope="row" className="break-words px-2.5 py-1.5 font-mono text-[12.5px] font-normal text-ink" title={`from ${parameter.source}`}>
                  {parameter.key}
                </th>
                <td className="break-words px-2.5 py-1.5 font-mono text-[12.5px] text-ink">{parameter.value}</td>
              </tr>
            ))}
          </PanelTable>
        ) : (
          <p className="text-sm text-ink-muted">{run ? "This run recorded no parameters." : "No run to read parameters from."}</p>
        )}
      </div>

      {job.description ? <p className="whitespace-pre-line text-sm text-ink-muted">{job.description}</p> : null}

      {job.sourceCodeUrl || job.sourceCode || job.sql ? (
        <div>
          <h4 className="mb-1.5 text-sm font-semibold text-ink">Code</h4>
          {job.sourceCodeUrl ? <SourceCodeLocation url={job.sourceCodeUrl} /> : null}
          {job.sql ? <CodeBlock label="SQL" code={job.sql} /> : null}
          {job.sourceCode ? <CodeBlock label={job.sourceCode.language ?? "Source"} code={job.sourceCode.code} /> : null}
        </div>
      ) : null}

      <div className="grid gap-3">
        {ends.map((end) => (
          <NodeRefSection
            key={end.list}
            {...end}
            total={totals?.[end.list] ?? end.refs.length}
            empty={<p className="text-sm text-ink-muted">No {end.list} recorded.</p>}
            loadPage={loadPage}
            onOpen={onOpen}
            testId={`transformation-${end.list}`}
          />
        ))}
      </div>
    </div>
  );
}

function CodeBlock({ label, code }: { label: string; code: string }) {
  const isLong = code.split("\n").length > 12;
  const block = <pre className="mt-1 max-h-72 overflow-auto rounded-md bg-surface-muted p-2.5 font-mono text-xs leading-5 text-ink">{code}</pre>;
  return isLong ? (
    <details className="mt-2">
      <summary className="cursor-pointer text-xs font-medium text-ink-muted hover:text-ink">{label} · {code.split("\n").length} lines</summary>
      {block}
    </details>
  ) : (
    <div className="mt-2">
      <p className="text-xs font-medium text-ink-muted">{label}</p>
      {block}
    </div>
  );
}

/**
 * A link only for http(s): an event may carry any text as its URL (`javascript:…`, `git@…`); and
 * never inside a frozen view, which links nowhere outside its snapshot.
 */
function SourceCodeLocation({ url }: { url: string }) {
  const isFrozen = useIsFrozenView();
  const href = isFrozen ? null : linkableUrl(url);
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer" className="block break-all text-sm text-accent hover:underline">
      {url}
    </a>
  ) : (
    <p className="break-all font-mono text-xs text-ink-muted" data-testid="source-code-location">
      {url}
    </p>
  );
}
