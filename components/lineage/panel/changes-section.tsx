import { nodeTypeOf } from "@/lib/lineage/node-id";
import { type ChangeEntry, type NodeDetail } from "@/lib/lineage/types";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDateTime } from "@/components/format";
import { PanelSection } from "./panel-section";

/**
 * The history of a node, newest first: each version or run with the reason for the change, who made
 * it, when, and what changed against the one before (parameters old -> new, schema, inputs).
 */
export function ChangesSection({ detail, onOpenVersionGraph }: { detail: NodeDetail; onOpenVersionGraph: (id: string) => void }) {
  const { changes } = detail;
  return (
    <PanelSection id="panel-changes" title="Changes" count={changes.length} testId="section-changes">
      {changes.length === 0 ? (
        <EmptyState compact title="No recorded history">Only one state of this node has been recorded, so there is nothing to compare yet.</EmptyState>
      ) : (
        <ol className="relative ml-1.5 space-y-4 border-l-2 border-line pl-4">
          {changes.map((change, index) => (
            <ChangeItem key={change.id} change={change} isCurrent={change.id === detail.node.id} isLatest={index === 0} onOpen={onOpenVersionGraph} />
          ))}
        </ol>
      )}
    </PanelSection>
  );
}

function ChangeItem({ change, isCurrent, isLatest, onOpen }: { change: ChangeEntry; isCurrent: boolean; isLatest: boolean; onOpen: (id: string) => void }) {
  const retyped = change.schemaChanges.retyped ?? [];
  const hasDiff =
    change.parameterChanges.length > 0 ||
    change.schemaChanges.added.length + change.schemaChanges.removed.length + retyped.length > 0 ||
    change.inputChanges.added.length + change.inputChanges.removed.length > 0;
  return (
    <li className="relative" data-testid="change-entry" data-change-id={change.id}>
      <span
        className={`absolute -left-[23px] top-1 h-3 w-3 rounded-full border-2 border-surface ${isCurrent ? "bg-accent" : "bg-line-strong"}`}
        aria-hidden="true"
      />
      <div className="flex flex-wrap items-baseline gap-x-2">
        <button type="button" onClick={() => onOpen(change.id)} className="font-mono text-sm font-semibold text-accent hover:underline" title="Open the version graph of this step">
          {change.label}
        </button>
        {isLatest ? <span className="text-[11px] font-medium uppercase text-ink-faint">latest</span> : null}
        {isCurrent ? <span className="text-[11px] font-medium uppercase text-accent">this one</span> : null}
      </div>
      <p className="text-xs text-ink-muted">
        {formatDateTime(change.time)}
        {change.author ? ` · by ${change.author}` : ""}
      </p>
      {change.reason ? (
        <p className="mt-1 whitespace-pre-line text-sm text-ink" data-testid="change-reason">
          <span className="font-medium">Why: </span>
          {change.reason}
        </p>
      ) : (
        <p className="mt-1 text-sm italic text-ink-faint">No reason recorded.</p>
      )}
      {hasDiff ? (
        <div className="mt-2 space-y-2 rounded-md bg-surface-muted p-2.5">
          {change.parameterChanges.length > 0 ? (
            <table className="w-full table-fixed text-left text-xs" data-testid="parameter-changes">
              <caption className="sr-only">Parameter changes</caption>
              <thead className="text-ink-muted">
                <tr>
                  <th scope="col" className="w-[44%] pb-1 font-medium">Parameter</th>
                  <th scope="col" className="pb-1 font-medium">Before → after</th>
                </tr>
              </thead>
              <tbody>
                {change.parameterChanges.map((p) => (
                  <tr key={p.key} className="align-top">
                    <th scope="row" className="break-words py-0.5 pr-2 font-mono font-normal text-ink">{p.key}</th>
                    <td className="break-words py-0.5 font-mono">
                      {p.from === null ? <span className="text-ink-faint">unset</span> : <del className="text-danger">{p.from}</del>}
                      <span className="px-1 text-ink-faint" aria-label="changed to">→</span>
                      {p.to === null ? <span className="text-ink-faint">removed</span> : <ins className="font-semibold text-success no-underline">{p.to}</ins>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <DiffList label="Schema fields added" items={change.schemaChanges.added} tone="added" />
          <DiffList label="Schema fields removed" items={change.schemaChanges.removed} tone="removed" />
          {retyped.length > 0 ? (
            <div className="text-xs" data-testid="schema-retyped">
              <p className="font-medium text-ink-muted">Schema fields retyped</p>
              <ul className="mt-0.5 space-y-0.5">
                {retyped.map((r) => (
                  <li key={r.field} className="font-mono break-all">
                    <span className="text-ink">{r.field}</span>{" "}
                    <del className="text-danger">{r.from ?? "untyped"}</del>
                    <span className="px-1 text-ink-faint" aria-label="became">→</span>
                    <ins className="font-semibold text-success no-underline">{r.to ?? "untyped"}</ins>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <DiffList label="Inputs added" items={change.inputChanges.added} tone="added" onOpen={onOpen} />
          <DiffList label="Inputs removed" items={change.inputChanges.removed} tone="removed" onOpen={onOpen} />
        </div>
      ) : null}
    </li>
  );
}

/** Input ids are node ids: shown without their type prefix, and clickable to open that version. */
function DiffList({ label, items, tone, onOpen }: { label: string; items: string[]; tone: "added" | "removed"; onOpen?: (id: string) => void }) {
  if (items.length === 0) return null;
  const classes = `rounded px-1.5 py-0.5 text-left font-mono break-all ${tone === "added" ? "bg-success-soft text-success" : "bg-danger-soft text-danger"}`;
  return (
    <div className="text-xs">
      <p className="font-medium text-ink-muted">{label}</p>
      <ul className="mt-0.5 flex flex-wrap gap-1">
        {items.map((item) => {
          const text = `${tone === "added" ? "+ " : "− "}${item.replace(/^(datasetVersion|dataset|job|run):/, "")}`;
          return (
            <li key={item}>
              {onOpen && nodeTypeOf(item) ? (
                <button type="button" onClick={() => onOpen(item)} className={`${classes} hover:underline`} title={item}>
                  {text}
                </button>
              ) : (
                <span className={classes}>{text}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
