import { z } from "zod";
import { intQuery } from "./query";

/** What the catalogue lists: every dataset and job, or one type. Models are the datasets of kind model. */
export const CATALOG_TYPES = ["all", "dataset", "model", "job"] as const;
export type CatalogType = (typeof CATALOG_TYPES)[number];
export const CATALOG_SORTS = ["name", "updated"] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];
/** Rows a catalogue page shows. */
export const CATALOG_PAGE_SIZE = 50;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/**
 * The catalogue's address (/catalog?type=&namespace=&q=&sort=&page=): a type, a namespace, a part of
 * the name, the order (name A to Z, or most recently updated first) and the page from 1.
 */
export const CatalogQuerySchema = z.object({
  type: z.preprocess(blankToUndefined, z.enum(CATALOG_TYPES, { error: `expected one of ${CATALOG_TYPES.join(", ")}` }).default("all")),
  namespace: z.preprocess(blankToUndefined, z.string().max(1_000).optional()),
  q: z.preprocess(blankToUndefined, z.string().trim().max(200, { error: "at most 200 characters" }).optional()),
  sort: z.preprocess(blankToUndefined, z.enum(CATALOG_SORTS, { error: `expected one of ${CATALOG_SORTS.join(", ")}` }).default("name")),
  page: intQuery(1, 1, 100_000),
});
export type CatalogQuery = z.infer<typeof CatalogQuerySchema>;

/** The catalogue's address for a query; defaults are left out. */
export function catalogHref(query: Partial<CatalogQuery>): string {
  const params = new URLSearchParams();
  if (query.type && query.type !== "all") params.set("type", query.type);
  if (query.namespace) params.set("namespace", query.namespace);
  if (query.q) params.set("q", query.q);
  if (query.sort && query.sort !== "name") params.set("sort", query.sort);
  if (query.page && query.page > 1) params.set("page", String(query.page));
  const search = params.toString();
  return search ? `/catalog?${search}` : "/catalog";
}
