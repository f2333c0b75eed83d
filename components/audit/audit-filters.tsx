import Link from "next/link";
import { AUDIT_EVENT_TYPES, type TouchedNode } from "@/lib/schemas/audit";
import { buttonClasses } from "@/components/ui/button";

const TYPE_LABELS: Record<string, string> = {
  DatasetEvent: "Dataset event",
  JobEvent: "Job event",
};

const fieldClasses =
  "h-9 w-full rounded-md border border-line bg-surface px-2.5 text-sm text-ink placeholder:text-ink-faint focus-visible:outline-2 focus-visible:outline-focus-ring";

/**
 * The audit log's filters as a plain GET form: works without JavaScript, and the address is the
 * state (bookmark or share a filtered log). Jobs and datasets are offered by name; any node id can
 * be pasted.
 */
export function AuditFilters({
  values,
  jobs,
  datasets,
  senders,
}: {
  values: Record<string, string>;
  jobs: TouchedNode[];
  datasets: TouchedNode[];
  /** Null hides the filter: senders are not for this reader (lib/server/auth.ts canSeeSenders). */
  senders: string[] | null;
}) {
  const isFiltered = ["job", "dataset", "run", "node", "type", "sender", "from", "to"].some((k) => values[k]);
  return (
    <form method="get" action="/audit" className="rounded-lg border border-line bg-surface p-4 shadow-card" aria-label="Filter the audit log" data-testid="audit-filters">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label htmlFor="audit-job" className="block text-xs font-medium text-ink-muted">
            Job
          </label>
          <input id="audit-job" name="job" list="audit-jobs" defaultValue={values.job ?? ""} placeholder="job:namespace:name" className={`${fieldClasses} mt-1 font-mono text-xs`} />
          <datalist id="audit-jobs">
            {jobs.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="audit-dataset" className="block text-xs font-medium text-ink-muted">
            Dataset
          </label>
          <input id="audit-dataset"
            name="dataset"
            list="audit-datasets"
            defaultValue={values.dataset ?? ""}
            placeholder="dataset:namespace:name"
            className={`${fieldClasses} mt-1 font-mono text-xs`}
          />
          <datalist id="audit-datasets">
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="audit-type" className="block text-xs font-medium text-ink-muted">
            Event type
          </label>
          <select id="audit-type" name="type" defaultValue={values.type ?? ""} className={`${fieldClasses} mt-1`}>
            <option value="">Any</option>
            {AUDIT_EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t] ?? t}
              </option>
            ))}
          </select>
        </div>
        {senders ? (
          <div>
            <label htmlFor="audit-sender" className="block text-xs font-medium text-ink-muted">
              Sent by
            </label>
            <select id="audit-sender" name="sender" defaultValue={values.sender ?? ""} className={`${fieldClasses} mt-1`}>
              <option value="">Anyone</option>
              {senders.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label htmlFor="audit-from" className="block text-xs font-medium text-ink-muted">
            From (UTC)
          </label>
          <input id="audit-from" type="datetime-local" name="from" defaultValue={values.from ?? ""} className={`${fieldClasses} mt-1`} />
        </div>
        <div>
          <label htmlFor="audit-to" className="block text-xs font-medium text-ink-muted">
            To (UTC)
          </label>
          <input id="audit-to" type="datetime-local" name="to" defaultValue={values.to ?? ""} className={`${fieldClasses} mt-1`} />
        </div>
        <div>
          <label htmlFor="audit-timeField" className="block text-xs font-medium text-ink-muted">
            Time is
          </label>
          <select id="audit-timeField" name="timeField" defaultValue={values.timeField ?? "eventTime"} className={`${fieldClasses} mt-1`}>
            <option value="eventTime">when it happened (event time)</option>
            <option value="receivedAt">when Threadline received it</option>
          </select>
        </div>
        <div className="flex items-end gap-2">
          {values.run ? <input type="hidden" name="run" value={values.run} /> : null}
          {values.node ? <input type="hidden" name="node" value={values.node} /> : null}
          <button type="submit" className={buttonClasses("primary", "md")} data-testid="audit-apply">
            Apply filters
          </button>
          {isFiltered ? (
            <Link href="/audit" className={buttonClasses("ghost", "md")}>
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </form>
  );
}
