"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import type { CatalogItem, StartingPoints } from "@/lib/lineage/types";
import { openSearch } from "@/components/search/search-dialog";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { NodeIcon, kindColour, visualKindOf } from "./node-icon";
import { lineageHref } from "@/lib/lineage/url-state";

/**
 * /lineage with no node: what to do next. With lineage in the store: search, the catalogue, and a
 * few starting points (models, what changed last, the latest failed outputs, each opening with its
 * details). With an empty store: how lineage gets in.
 */
export function ExplorerStart({ points }: { points: StartingPoints | null }) {
  const isEmptyStore = points !== null && points.stats.datasets === 0 && points.stats.jobs === 0;
  if (isEmptyStore) {
    return (
      <div className="mx-auto w-full max-w-2xl px-6 py-16" data-testid="explorer-start">
        <EmptyState title="No lineage recorded yet" action={<Link href="/" className={buttonClasses("secondary")}>Back to the overview</Link>}>
          <p>The explorer draws what OpenLineage events have told Threadline. Nothing has arrived yet:</p>
          <ul className="mt-3 space-y-1.5 text-left">
            <li>
              send events from Airflow, Spark, dbt or your own code to <code className="font-mono text-xs">POST /api/v1/lineage</code> (the OpenLineage HTTP transport);
            </li>
            <li>
              import a tracker&apos;s history: <code className="font-mono text-xs">npm run import:mlflow -- &lt;mlruns folder or URL&gt;</code>;
            </li>
            <li>
              or load the demo pipeline: <code className="font-mono text-xs">npm run db:seed</code>.
            </li>
          </ul>
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="mx-auto w-full max-w-5xl space-y-6 px-6 py-10" data-testid="explorer-start">
      <EmptyState
        title="Pick a starting point"
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Button variant="primary" onClick={openSearch} data-testid="start-search">
              Search by name
            </Button>
            <Link href="/catalog" className={buttonClasses("secondary")} data-testid="start-catalog">
              Browse the catalogue
            </Link>
          </div>
        }
      >
        <p>The explorer draws the lineage around one dataset, model, job, version or run. Find one with the search box above (Ctrl K), browse the catalogue, or start from one of these.</p>
      </EmptyState>
      {points ? (
        <div className="grid gap-4 md:grid-cols-3">
          <StartList title="Models" testId="start-models" empty="No models recorded.">
            {points.models.map((item) => (
              <ItemLink key={item.id} item={item} />
            ))}
          </StartList>
          <StartList title="Recently changed" testId="start-recent" empty="Nothing recorded.">
            {points.recent.map((item) => (
              <ItemLink key={item.id} item={item} />
            ))}
          </StartList>
          <StartList title="Failed outputs" testId="start-failed" empty="No output has failed.">
            {points.failed.map((output) => (
              <li key={output.id}>
                <Link href={lineageHref(output.id)} className="block px-4 py-2 hover:bg-surface-muted" data-testid="start-link">
                  <span className="break-all text-sm font-medium text-ink">
                    {output.dataset.name}
                    <span className="font-mono text-xs font-normal text-ink-muted">@{output.version}</span>
                  </span>
                  {output.reasons[0] ? <span className="block truncate text-xs text-danger" title={output.reasons[0]}>{output.reasons[0]}</span> : null}
                </Link>
              </li>
            ))}
          </StartList>
        </div>
      ) : null}
    </div>
  );
}

function StartList({ title, testId, empty, children }: { title: string; testId: string; empty: string; children: ReactNode[] }) {
  return (
    <Card aria-label={title} data-testid={testId}>
      <CardHeader title={title} />
      {children.length === 0 ? <p className="px-4 py-3 text-sm text-ink-muted">{empty}</p> : <ul className="divide-y divide-line">{children}</ul>}
    </Card>
  );
}

function ItemLink({ item }: { item: CatalogItem }) {
  const kind = visualKindOf(item.type, item.kind);
  return (
    <li>
      <Link href={lineageHref(item.id)} className="flex items-start gap-2 px-4 py-2 hover:bg-surface-muted" data-testid="start-link">
        <span className="mt-0.5 shrink-0" style={{ color: kindColour(kind) }}>
          <NodeIcon kind={kind} size={16} />
        </span>
        <span className="min-w-0">
          <span className="block break-all text-sm font-medium text-ink">{item.name}</span>
          <span className="block truncate text-xs text-ink-muted">{item.namespace}</span>
        </span>
      </Link>
    </li>
  );
}
