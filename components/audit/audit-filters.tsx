"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { AUDIT_EVENT_TYPES, parseTimeBound, toDateTimeLocal } from "@/lib/schemas/audit";
import type { SearchResult } from "@/lib/lineage/types";
import { fetchJson, isAbortError } from "@/components/api-client";
import { NodeIcon, kindColour, visualKindOf } from "@/components/lineage/node-icon";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

const TYPE_LABELS: Record<string, string> = {
  DatasetEvent: "Dataset event",
  JobEvent: "Job event",
};

/** The URL parameters the form sets; anything else in the address (a page cursor) is dropped on apply. */
const FILTER_KEYS = ["job", "dataset", "run", "node", "type", "sender", "from", "to", "timeField", "limit"] as const;

const fieldClasses =
  "h-9 w-full rounded-md border border-line bg-surface px-2.5 text-sm text-ink placeholder:text-ink-faint focus-visible:outline-2 focus-visible:outline-focus-ring";

/** Waits this long after the last key before asking for suggestions, so typing a word is one request. */
const DEBOUNCE_MS = 150;
const SUGGESTIONS = 8;

/**
 * The address of the log with the form's filters: empty fields and the default time field left
 * out, so a link says only what it filters by, and no page cursor (new filters start at the newest).
 */
export function auditHref(form: FormData): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = form.get(key);
    if (typeof value !== "string" || value.trim() === "") continue;
    if (key === "timeField" && value === "eventTime") continue;
    params.set(key, value.trim());
  }
  const query = params.toString();
  return query ? `/audit?${query}` : "/audit";
}

/** A time bound from the address as its datetime-local input shows it (empty when it does not parse: the page says why). */
function timeInputValue(raw: string | undefined, end: boolean): string {
  const parsed = raw ? parseTimeBound(raw, end) : null;
  return parsed ? toDateTimeLocal(parsed) : "";
}

/**
 * The audit log's filters. The address is the state: the page renders the form from it (keyed by
 * it, so back and forward show the filters of the page they land on), and applying the form
 * navigates to the address of its filters. Without JavaScript it is a plain GET form.
 */
export function AuditFilters({
  values,
  senders,
}: {
  values: Record<string, string>;
  /** Null hides the filter: senders are not for this reader (lib/server/auth.ts canSeeSenders). */
  senders: string[] | null;
}) {
  const router = useRouter();
  const isFiltered = FILTER_KEYS.some((k) => k !== "timeField" && k !== "limit" && values[k]);
  const onSubmit = useCallback(
    (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      router.push(auditHref(new FormData(event.currentTarget)));
    },
    [router],
  );
  return (
    <form
      method="get"
      action="/audit"
      onSubmit={onSubmit}
      className="rounded-lg border border-line bg-surface p-4 shadow-card"
      aria-label="Filter the audit log"
      data-testid="audit-filters"
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <NodeFilterField field="job" label="Job" defaultValue={values.job ?? ""} />
        <NodeFilterField field="dataset" label="Dataset" defaultValue={values.dataset ?? ""} />
        <Field id="audit-run" label="Run">
          <input id="audit-run" name="run" defaultValue={values.run ?? ""} placeholder="run id" className={`${fieldClasses} font-mono text-xs`} autoComplete="off" spellCheck={false} />
        </Field>
        {values.node ? (
          <Field id="audit-node" label="Node">
            <input id="audit-node" name="node" defaultValue={values.node} className={`${fieldClasses} font-mono text-xs`} autoComplete="off" spellCheck={false} />
          </Field>
        ) : null}
        <Field id="audit-type" label="Event type">
          <select id="audit-type" name="type" defaultValue={values.type ?? ""} className={fieldClasses}>
            <option value="">Any</option>
            {AUDIT_EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t] ?? t}
              </option>
            ))}
          </select>
        </Field>
        {senders ? (
          <Field id="audit-sender" label="Sent by">
            <select id="audit-sender" name="sender" defaultValue={values.sender ?? ""} className={fieldClasses}>
              <option value="">Anyone</option>
              {/* A sender named in the address but not among the recent ones still shows. */}
              {[...new Set([...(values.sender ? [values.sender] : []), ...senders])].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field id="audit-from" label="From (UTC)">
          <input id="audit-from" type="datetime-local" name="from" defaultValue={timeInputValue(values.from, false)} className={fieldClasses} />
        </Field>
        <Field id="audit-to" label="Before (UTC)">
          <input id="audit-to" type="datetime-local" name="to" defaultValue={timeInputValue(values.to, true)} className={fieldClasses} />
        </Field>
        <Field id="audit-timeField" label="Time is">
          <select id="audit-timeField" name="timeField" defaultValue={values.timeField ?? "eventTime"} className={fieldClasses}>
            <option value="eventTime">when it happened (event time)</option>
            <option value="receivedAt">when Threadline received it</option>
          </select>
        </Field>
        <div className="flex items-end gap-2">
          {values.limit ? <input type="hidden" name="limit" value={values.limit} /> : null}
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

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-ink-muted">
        {label}
      </label>
      {children}
    </div>
  );
}

/**
 * A job or dataset filter with type-ahead: the text is sent as typed (a bare name, namespace:name
 * or a node id: the server resolves it), and names matching it are suggested from the store's
 * search as one types. Picking a suggestion fills in its namespace:name, which names one node.
 */
function NodeFilterField({ field, label, defaultValue }: { field: "job" | "dataset"; label: string; defaultValue: string }) {
  const id = `audit-${field}`;
  const listId = useId();
  const [text, setText] = useState(defaultValue);
  const [isOpen, setIsOpen] = useState(false);
  const [suggestions, setSuggestions] = useState<SearchResult[] | null>(null);
  const [active, setActive] = useState(-1);

  useEffect(() => {
    const q = text.trim();
    if (!isOpen || q === "") {
      setSuggestions(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchJson<{ results: SearchResult[] }>(`/api/v1/search?q=${encodeURIComponent(q)}&type=${field}&limit=${SUGGESTIONS}`, controller.signal)
        .then((body) => {
          // A job search also finds runs by id or name: the filter wants jobs.
          setSuggestions(body.results.filter((r) => r.type === field));
          setActive(-1);
        })
        .catch((error: unknown) => {
          // Suggestions are a help: without them the typed text is still applied as it is.
          if (!isAbortError(error)) setSuggestions(null);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, isOpen, field]);

  const options = useMemo(() => (isOpen ? (suggestions ?? []) : []), [isOpen, suggestions]);
  const pick = useCallback((result: SearchResult) => {
    setText(`${result.namespace}:${result.name}`);
    setIsOpen(false);
  }, []);

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === "ArrowDown" && options.length > 0) {
        event.preventDefault();
        setIsOpen(true);
        setActive((i) => (i + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length > 0) {
        event.preventDefault();
        setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
      } else if (event.key === "Enter" && active >= 0 && options[active]) {
        // Enter on a highlighted suggestion picks it; otherwise it submits the form as typed.
        event.preventDefault();
        pick(options[active]);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        setIsOpen(false);
      }
    },
    [options, active, isOpen, pick],
  );

  return (
    <div className="relative">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-ink-muted">
        {label}
      </label>
      <input
        id={id}
        name={field}
        role="combobox"
        aria-expanded={options.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 && options[active] ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setIsOpen(true);
        }}
        onFocus={() => setIsOpen(true)}
        onBlur={() => setIsOpen(false)}
        onKeyDown={onKeyDown}
        placeholder={field === "job" ? "name, e.g. train_model" : "name, e.g. models/my-model"}
        className={`${fieldClasses} font-mono text-xs`}
        autoComplete="off"
        spellCheck={false}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label}s matching`}
        hidden={!isOpen || suggestions === null}
        className="absolute inset-x-0 top-full z-20 mt-1 max-h-72 overflow-y-auto rounded-md border border-line bg-surface-raised py-1 shadow-overlay"
        data-testid={`audit-${field}-suggestions`}
      >
        {options.map((result, index) => {
          const kind = visualKindOf(result.type, result.kind);
          return (
            <li
              key={result.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              data-node-id={result.id}
              // Keeps the focus in the input, so its blur does not close the list before the click.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(result)}
              onMouseMove={() => setActive(index)}
              className={cn("mx-1 flex cursor-pointer items-center gap-2 rounded px-2 py-1.5", index === active ? "bg-accent-soft" : "")}
            >
              <span style={{ color: kindColour(kind) }} className="shrink-0">
                <NodeIcon kind={kind} size={14} />
              </span>
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm text-ink">{result.name}</span>
                <span className="block truncate text-xs text-ink-muted">{result.namespace}</span>
              </span>
            </li>
          );
        })}
        {suggestions !== null && options.length === 0 && isOpen ? (
          <li role="presentation" className="px-3 py-1.5 text-xs text-ink-muted">
            No {field} matches “{text.trim()}”.
          </li>
        ) : null}
      </ul>
    </div>
  );
}
