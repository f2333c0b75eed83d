import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getStore } from "@/lib/server/db";
import { listCatalog, listNamespaces } from "@/lib/server/catalog";
import { requirePageReader } from "@/lib/server/auth-context";
import { CATALOG_PAGE_SIZE, CatalogQuerySchema, catalogHref, type CatalogQuery, type CatalogType } from "@/lib/schemas/catalog";
import type { CatalogItem } from "@/lib/lineage/types";
import { lineageHref } from "@/lib/lineage/url-state";
import { NodeIcon, kindColour, visualKindOf } from "@/components/lineage/node-icon";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatCount } from "@/components/format";
import { RelativeTime } from "@/components/ui/relative-time";

export const metadata: Metadata = { title: "Catalogue" };
// The catalogue reads the live store on every request.
export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const TABS: { type: CatalogType; label: string }[] = [
  { type: "all", label: "All" },
  { type: "dataset", label: "Datasets" },
  { type: "model", label: "Models" },
  { type: "job", label: "Jobs" },
];

/**
 * The catalogue: every dataset, model and job, to browse rather than search: a type, a namespace
 * and a part of the name narrow it; by name or most recently updated; 50 a page. Each row opens
 * the node in the explorer with its details. Reached from the header and the overview's counts
 * and namespaces.
 */
export default async function CatalogPage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]));
  const parsed = CatalogQuerySchema.safeParse(raw);
  if (!parsed.success) {
    return (
      <div className="mx-auto w-full max-w-3xl px-4 py-10">
        <EmptyState title="That catalogue address is not quite right" action={<Link href="/catalog" className={buttonClasses("secondary")}>Show the whole catalogue</Link>}>
          <ul className="text-left" data-testid="catalog-problems">
            {parsed.error.issues.map((issue) => (
              <li key={issue.path.join(".")}>
                <code className="font-mono text-xs">{issue.path.join(".")}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </EmptyState>
      </div>
    );
  }
  const query = parsed.data;
  // The filter form sends its blank fields too: answer with the address that says only what is set.
  const canonical = catalogHref(query);
  const asked = new URLSearchParams(Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === "string")).toString();
  if (canonical !== (asked ? `/catalog?${asked}` : "/catalog")) redirect(canonical);
  const store = getStore();
  const [page, namespaces] = await Promise.all([
    listCatalog(store, { ...query, pageSize: CATALOG_PAGE_SIZE }),
    listNamespaces(store),
  ]);
  const now = Date.now();
  const first = (page.page - 1) * CATALOG_PAGE_SIZE + 1;
  const counts: Record<CatalogType, number> = { all: page.counts.dataset + page.counts.job, ...page.counts };

  return (
    <div className="mx-auto w-full max-w-6xl space-y-4 px-4 py-8 sm:px-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-ink">Catalogue</h1>
        <p className="mt-1 text-sm text-ink-muted">Every dataset, model and job the store holds. Open one to see its lineage and details.</p>
      </div>

      <nav aria-label="Type" className="flex flex-wrap gap-1 border-b border-line" data-testid="catalog-types">
        {TABS.map((tab) => (
          <Link
            key={tab.type}
            href={catalogHref({ ...query, type: tab.type, page: 1 })}
            aria-current={query.type === tab.type ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm font-medium",
              query.type === tab.type ? "border-accent text-accent" : "border-transparent text-ink-muted hover:text-ink",
            )}
            data-testid={`catalog-type-${tab.type}`}
          >
            {tab.label} <span className="tabular-nums text-ink-faint">{formatCount(counts[tab.type])}</span>
          </Link>
        ))}
      </nav>

      <form method="get" action="/catalog" className="flex flex-wrap items-end gap-2" data-testid="catalog-filters">
        {query.type !== "all" ? <input type="hidden" name="type" value={query.type} /> : null}
        <label className="min-w-48 flex-1 text-sm font-medium text-ink">
          Name contains
          <input name="q" defaultValue={query.q ?? ""} placeholder="e.g. molecules" className="mt-1 block h-9 w-full rounded-md border border-line bg-surface px-2 text-sm" />
        </label>
        <label className="min-w-48 text-sm font-medium text-ink">
          Namespace
          <select name="namespace" defaultValue={query.namespace ?? ""} className="mt-1 block h-9 w-full rounded-md border border-line bg-surface px-2 text-sm">
            <option value="">All namespaces</option>
            {namespaces.map((ns) => (
              <option key={ns.namespace} value={ns.namespace}>
                {ns.namespace}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-ink">
          Order
          <select name="sort" defaultValue={query.sort} className="mt-1 block h-9 rounded-md border border-line bg-surface px-2 text-sm">
            <option value="name">Name, A to Z</option>
            <option value="updated">Recently updated</option>
          </select>
        </label>
        <button type="submit" className={buttonClasses("primary")} data-testid="catalog-apply">
          Apply
        </button>
        {query.q || query.namespace || query.sort !== "name" ? (
          <Link href={catalogHref({ type: query.type })} className={buttonClasses("ghost")}>
            Clear
          </Link>
        ) : null}
      </form>

      <Card aria-label="Catalogue entries">
        {page.items.length === 0 ? (
          <EmptyState compact title="Nothing matches">
            {counts.all === 0 && !query.q && !query.namespace ? "The store holds no datasets or jobs yet." : "No entry of this type matches these filters."}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="catalog-table">
              <thead>
                <tr className="border-b border-line text-left text-xs text-ink-muted">
                  <th scope="col" className="px-4 py-2 font-medium">Name</th>
                  <th scope="col" className="px-2 py-2 font-medium">Kind</th>
                  <th scope="col" className="px-2 py-2 font-medium">Namespace</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Versions / runs</th>
                  <th scope="col" className="px-4 py-2 text-right font-medium">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {page.items.map((item) => (
                  <CatalogRow key={item.id} item={item} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager query={query} page={page.page} pageCount={page.pageCount} first={first} shown={page.items.length} total={page.total} />
      </Card>
    </div>
  );
}

function CatalogRow({ item, now }: { item: CatalogItem; now: number }) {
  const kind = visualKindOf(item.type, item.kind);
  return (
    <tr className="align-top" data-testid="catalog-row" data-node-id={item.id}>
      <td className="px-4 py-2">
        <Link href={lineageHref(item.id)} className="flex items-start gap-2 font-medium text-ink hover:text-accent" data-testid="catalog-link">
          <span className="mt-0.5 shrink-0" style={{ color: kindColour(kind) }}>
            <NodeIcon kind={kind} size={16} />
          </span>
          <span className="min-w-0 break-all">{item.name}</span>
        </Link>
        {item.description ? (
          <p className="ml-6 line-clamp-1 text-xs text-ink-muted" title={item.description}>
            {item.description}
          </p>
        ) : null}
      </td>
      <td className="px-2 py-2 text-xs text-ink-muted">{item.type === "job" ? `job${item.kind ? ` · ${item.kind}` : ""}` : item.kind}</td>
      <td className="max-w-56 break-all px-2 py-2 font-mono text-xs text-ink-muted">{item.namespace}</td>
      <td className="px-2 py-2 text-right tabular-nums text-ink-muted">
        {formatCount(item.children)} {item.type === "job" ? (item.children === 1 ? "run" : "runs") : item.children === 1 ? "version" : "versions"}
      </td>
      <td className="whitespace-nowrap px-4 py-2 text-right text-xs text-ink-muted">
        <RelativeTime iso={item.updatedAt} now={now} />
      </td>
    </tr>
  );
}

function Pager({ query, page, pageCount, first, shown, total }: { query: CatalogQuery; page: number; pageCount: number; first: number; shown: number; total: number }) {
  if (total === 0) return null;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2 border-t border-line px-4 py-2 text-sm text-ink-muted" data-testid="catalog-pager">
      <span data-testid="catalog-range">
        {formatCount(first)}–{formatCount(first + shown - 1)} of {formatCount(total)} · page {page} of {pageCount}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link href={catalogHref({ ...query, page: page - 1 })} className={buttonClasses("secondary", "sm")} rel="prev">
            ← Previous
          </Link>
        ) : null}
        {page < pageCount ? (
          <Link href={catalogHref({ ...query, page: page + 1 })} className={buttonClasses("secondary", "sm")} rel="next">
            Next →
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
