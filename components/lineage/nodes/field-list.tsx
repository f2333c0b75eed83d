"use client";

import { memo, useState, type KeyboardEvent, type MouseEvent } from "react";
import type { DatasetColumns } from "@/lib/lineage/flow-mapping";
import { FIELD_FILTER_AT, FIELD_LIST, filterFields, visibleFields } from "@/lib/lineage/columns-view";
import { cn } from "@/components/ui/cn";
import { useExplorerActions } from "../explorer-actions";

const stop = (event: MouseEvent | KeyboardEvent) => event.stopPropagation();

/**
 * A dataset's fields under its header in the columns view: name, type, a mark where column lineage
 * made the field and one where a transformation masks it. A click highlights the field's path
 * across the graph. Long schemas show a filter box and fold into "N more"; the rows shown (and so
 * the node's laid-out height, fieldListHeight) do not depend on the filter text.
 */
export const FieldList = memo(function FieldList({ datasetId, columns }: { datasetId: string; columns: DatasetColumns }) {
  const { selectField, showMoreFields } = useExplorerActions();
  const [filter, setFilter] = useState("");
  const { fields, shown, pathFieldIds, selectedFieldId, isLoading } = columns;
  const hasFilter = fields.length > FIELD_FILTER_AT;
  const rows = filter.trim() ? filterFields(fields, filter).slice(0, shown) : visibleFields(fields, shown, pathFieldIds ?? new Set());
  const folded = fields.length - Math.min(fields.length, shown);

  if (fields.length === 0) {
    return (
      <p className="px-3 text-[11px] italic leading-5 text-ink-faint" style={{ paddingTop: FIELD_LIST.padding / 2 }} data-testid="field-list-empty">
        {isLoading ? "Reading fields…" : "No schema recorded"}
      </p>
    );
  }
  return (
    <div className="nodrag nopan cursor-default border-t border-line px-1.5" style={{ paddingTop: FIELD_LIST.padding / 2 }} data-testid="field-list" onDoubleClick={stop}>
      {hasFilter ? (
        <div style={{ height: FIELD_LIST.filter }} className="flex items-center px-0.5">
          <input
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            onClick={stop}
            onKeyDown={stop}
            placeholder={`Filter ${fields.length} fields`}
            aria-label={`Filter the fields of ${datasetId}`}
            className="h-6 w-full rounded border border-line bg-surface-muted px-1.5 text-[11px] text-ink placeholder:text-ink-faint focus:border-accent focus:outline-none"
            data-testid="field-filter"
          />
        </div>
      ) : null}
      <ul>
        {rows.map((f) => {
          const isOnPath = pathFieldIds?.has(f.id) ?? false;
          const isSelected = f.id === selectedFieldId;
          return (
            <li key={f.id} style={{ height: FIELD_LIST.row }}>
              <button
                type="button"
                className={cn(
                  "flex h-full w-full items-center gap-1.5 rounded px-1.5 text-left text-[11px] leading-4 hover:bg-accent-soft",
                  isSelected ? "bg-accent text-accent-ink hover:bg-accent" : isOnPath ? "bg-accent-soft font-semibold text-ink" : pathFieldIds ? "opacity-40" : "text-ink",
                )}
                onClick={(event) => {
                  event.stopPropagation();
                  selectField(isSelected ? null : f.id);
                }}
                aria-pressed={isSelected}
                title={`${f.field}${f.type ? ` (${f.type})` : ""}${f.hasLineage ? ", made by column lineage" : ""}${f.isMasked ? ", masked" : ""}`}
                data-testid="field-row"
                data-field-id={f.id}
                data-on-path={isOnPath ? "true" : undefined}
              >
                <span className="min-w-0 flex-1 truncate font-mono">{f.field}</span>
                {f.isMasked ? (
                  <span className="shrink-0 rounded bg-warning-soft px-1 text-[9px] font-semibold uppercase leading-3 text-warning" data-testid="field-masked">
                    masked
                  </span>
                ) : null}
                {f.hasLineage ? (
                  <span className={cn("shrink-0 text-[11px]", isSelected ? "" : "text-accent")} aria-label="has column lineage" data-testid="field-lineage-mark">
                    ⇠
                  </span>
                ) : null}
                <span className={cn("max-w-[40%] shrink-0 truncate font-mono text-[10px]", isSelected ? "" : "text-ink-muted")}>{f.type ?? ""}</span>
              </button>
            </li>
          );
        })}
        {filter.trim() && rows.length === 0 ? <li className="px-1.5 text-[11px] italic leading-5 text-ink-faint">No field matches</li> : null}
      </ul>
      {folded > 0 ? (
        <button
          type="button"
          style={{ height: FIELD_LIST.more }}
          className="w-full rounded px-1.5 text-left text-[11px] font-medium text-accent hover:underline"
          onClick={(event) => {
            event.stopPropagation();
            showMoreFields(datasetId);
          }}
          data-testid="fields-more"
        >
          {folded} more field{folded === 1 ? "" : "s"}
        </button>
      ) : null}
    </div>
  );
});
