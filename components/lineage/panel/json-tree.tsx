"use client";

/**
 * Raw facets as a collapsible tree. Every value is rendered as React text (never as HTML), so a
 * facet carrying markup or script shows as the characters it contains.
 */
export function JsonTree({ value, label, depth = 0, defaultOpenDepth = 1 }: { value: unknown; label?: string; depth?: number; defaultOpenDepth?: number }) {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    return (
      <details open={depth < defaultOpenDepth} className="group">
        <summary className="cursor-pointer select-none list-none font-mono text-xs text-ink hover:text-accent [&::-webkit-details-marker]:hidden">
          <span className="inline-block w-3 text-ink-faint transition-transform group-open:rotate-90" aria-hidden="true">
            ▸
          </span>
          {label !== undefined ? <span className="text-ink">{label}</span> : null}
          <span className="ml-1 text-ink-faint">{summary}</span>
        </summary>
        <div className="ml-3 border-l border-line pl-2">
          {entries.length === 0 ? <span className="font-mono text-xs text-ink-faint">empty</span> : null}
          {entries.map(([key, child]) => (
            <JsonTree key={key} value={child} label={key} depth={depth + 1} defaultOpenDepth={defaultOpenDepth} />
          ))}
        </div>
      </details>
    );
  }
  return (
    <div className="flex gap-1.5 py-px pl-3 font-mono text-xs">
      {label !== undefined ? <span className="shrink-0 text-ink-muted">{label}:</span> : null}
      <span className={`min-w-0 whitespace-pre-wrap break-all ${primitiveClass(value)}`}>{formatPrimitive(value)}</span>
    </div>
  );
}

function formatPrimitive(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  return String(value);
}

function primitiveClass(value: unknown): string {
  if (typeof value === "string") return "text-success";
  if (typeof value === "number" || typeof value === "bigint") return "text-info";
  if (typeof value === "boolean") return "text-synthetic";
  return "text-ink-faint";
}
