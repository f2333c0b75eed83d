import { z } from "zod";
import type { Direction, Granularity } from "@/lib/lineage/types";
import { isDatasetFieldId, nodeTypeOf } from "@/lib/lineage/node-id";
import { granularityOf, type ExplorerState, type Expansion } from "@/lib/lineage/url-state";
import type { FanOutPage } from "@/lib/lineage/fan-out";
import { DETAIL_LISTS, DETAIL_PAGE_SIZE, MAX_DETAIL_PAGE_SIZE } from "@/lib/lineage/types";

/**
 * The one view query: which neighbourhood a view shows (node, granularity, depth, direction, node
 * budget, "+N" expansions), as of which event, and what is selected. The lineage API, the exports,
 * the report, share links and the pages all read it here, with the same bounds and defaults, so a
 * view copied from one to another is the same view, and a bad value is the same error everywhere
 * (a 400 from the API, a message with the fix on a page).
 */

export const VIEW_DEFAULT_DEPTH = 2;
export const VIEW_MAX_DEPTH = 50;
/** The explorer's default node budget; an address or request may ask for up to VIEW_MAX_LIMIT. */
export const VIEW_DEFAULT_LIMIT = 300;
export const VIEW_MAX_LIMIT = 20_000;
export const VIEW_MAX_EXPANSIONS = 50;
/** Most nodes one "+N" expansion adds (the explorer, exports and shares alike). */
export const EXPANSION_LIMIT = 100;

const AS_OF = /^(\d+|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;

/**
 * An as-of point as the API, the pages and the "As of" fields accept it: an event sequence number,
 * a date (2026-10-25) or an ISO-8601 time that is a real moment (no 2026-13-45).
 */
export function isAsOfValue(value: string): boolean {
  const v = value.trim();
  if (!AS_OF.test(v)) return false;
  if (/^\d+$/.test(v)) return Number.isSafeInteger(Number(v));
  return !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v));
}

const nodeIdSchema = z
  .string()
  .trim()
  .min(1, "required")
  .max(2_000)
  .refine((id) => nodeTypeOf(id) !== null, "expected a node id such as dataset:<namespace>:<name> or run:<runId>");

/** An event sequence number, or an ISO-8601 date or time (the last event by then); absent or empty: now. */
export const AsOfSchema = z
  .union([z.number().int().min(0).transform(String), z.string().trim()])
  .refine((v) => v === "" || isAsOfValue(v), "expected an event number such as 182 or a time such as 2026-10-25T00:00:00Z")
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** The query of a single-node read (GET /api/v1/nodes/<id>): only the as-of point. */
export const NodeQuerySchema = z.object({ asOf: AsOfSchema });

/** GET /api/v1/nodes/<id>: as of a point, and optionally one further page of one list. */
export const NodeDetailQuerySchema = NodeQuerySchema.extend({
  list: z.enum(DETAIL_LISTS).optional(),
  cursor: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_DETAIL_PAGE_SIZE).default(DETAIL_PAGE_SIZE),
});

const ExpansionSchema = z.object({ id: nodeIdSchema, direction: z.enum(["upstream", "downstream"]) });
/** How far the view has paged one wide fan-out ("N more" clicked): its first `shown` leaves. */
const FanOutPageSchema = z.object({
  id: nodeIdSchema,
  direction: z.enum(["upstream", "downstream"]),
  shown: z.coerce.number().int("expected a whole number").min(0).max(VIEW_MAX_LIMIT),
});

export const ViewQuerySchema = z.object({
  node: nodeIdSchema,
  /** Entity or version graph; absent: the node's own. */
  view: z.enum(["entity", "version"]).optional(),
  depth: z.coerce.number().int("expected a whole number").min(0).max(VIEW_MAX_DEPTH).default(VIEW_DEFAULT_DEPTH),
  direction: z.enum(["upstream", "downstream", "both"]).default("both"),
  /** Node budget; absent: VIEW_DEFAULT_LIMIT. */
  limit: z.coerce.number().int("expected a whole number").min(1).max(VIEW_MAX_LIMIT).optional(),
  expand: z.array(ExpansionSchema).max(VIEW_MAX_EXPANSIONS).default([]),
  /** Fan-outs paged further than their first page; every other wide fan-out shows its first page. */
  more: z.array(FanOutPageSchema).max(VIEW_MAX_EXPANSIONS).default([]),
  /**
   * Fold wide fan-outs as the explorer does (default). Views drawn whole, such as an
   * investigation's version graph, ask for `fold=0` so their files hold every leaf they show.
   */
  fold: z
    .union([z.boolean(), z.enum(["1", "0", "true", "false"])])
    .default(true)
    .transform((v) => v === true || v === "1" || v === "true"),
  asOf: AsOfSchema,
  selected: nodeIdSchema.nullish().transform((v) => v ?? null),
  /** The explorer's columns view (`columns=1`): dataset nodes open into their fields. */
  columns: z
    .union([z.boolean(), z.enum(["1", "0", "true", "false"])])
    .optional()
    .transform((v) => v === true || v === "1" || v === "true"),
  /** The field whose column-lineage path the explorer highlights. */
  field: z
    .string()
    .trim()
    .max(2_000)
    .refine((id) => isDatasetFieldId(id), "expected a field id such as datasetField:<namespace>:<dataset>:<field>")
    .optional(),
});

export type ViewQuery = z.output<typeof ViewQuerySchema>;

/**
 * Accepts the names JSON bodies have long used for two fields (`nodeId` for `node`, `selectedId`
 * for `selected`), so a view posted by an older client or stored by an older version reads the same.
 */
export function withViewAliases<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const { nodeId, selectedId, ...rest } = value as Record<string, unknown>;
    return { ...rest, node: rest.node ?? nodeId, selected: rest.selected ?? selectedId };
  }, schema);
}
export type ViewQueryInput = z.input<typeof ViewQuerySchema>;

interface ParamsLike {
  get(name: string): string | null;
  getAll(name: string): string[];
}

/** "up:<id>" / "down:<id>" as the address writes an expansion. */
function readExpansion(raw: string): unknown {
  const separator = raw.indexOf(":");
  const side = separator < 0 ? raw : raw.slice(0, separator);
  const id = separator < 0 ? "" : raw.slice(separator + 1);
  return { id, direction: side === "up" ? "upstream" : side === "down" ? "downstream" : side };
}

/** "down:28:<id>" / "up:28:<id>" as the address writes a fan-out's page. */
function readFanOutPage(raw: string): unknown {
  const [side = "", shown = "", ...rest] = raw.split(":");
  return { id: rest.join(":"), direction: side === "up" ? "upstream" : side === "down" ? "downstream" : side, shown };
}

/** The raw view query of an address or API request (`nodeId` is the API's name for `node`). */
function rawViewQuery(params: ParamsLike): Record<string, unknown> {
  const raw: Record<string, unknown> = { node: params.get("node") ?? params.get("nodeId") ?? "" };
  for (const name of ["view", "depth", "direction", "limit", "asOf", "selected", "columns", "field", "fold"] as const) {
    const value = params.get(name);
    if (value !== null && value !== "") raw[name] = value;
  }
  const seen = new Set<string>();
  raw.expand = params.getAll("expand").filter((e) => !seen.has(e) && seen.add(e)).map(readExpansion);
  raw.more = params.getAll("more").map(readFanOutPage);
  return raw;
}

/** Reads a view query from search params; a ZodError (a 400 through the error mapper) names each bad field. */
export function parseViewQuery(params: ParamsLike): ViewQuery {
  return ViewQuerySchema.parse(rawViewQuery(params));
}

/** One problem with an address, for a page to show with its fix. */
export interface ViewQueryProblem {
  field: string;
  message: string;
}

/** A page's view query, or the problems that keep its address from being one (for the page to show). */
export function readViewAddress(params: ParamsLike): { query: ViewQuery } | { problems: ViewQueryProblem[] } {
  const parsed = ViewQuerySchema.safeParse(rawViewQuery(params));
  if (parsed.success) return { query: parsed.data };
  return { problems: parsed.error.issues.map((i) => ({ field: i.path.join(".") || "node", message: i.message })) };
}

/**
 * The address with its bad parts left out, so each falls back to its default (a bad "+N" expansion
 * or page is dropped alone, the others kept), for a page to offer as the one-click fix; null when
 * the address is fine, or when what is wrong is the node itself (no default stands in for it).
 */
export function fixedViewAddress(params: ParamsLike & Iterable<[string, string]>): URLSearchParams | null {
  const read = readViewAddress(params);
  if ("query" in read) return null;
  const bad = new Set(read.problems.map((p) => p.field.split(".")[0]));
  if (bad.has("node")) return null;
  const isGood: Record<string, (value: string) => boolean> = {
    expand: (value) => ExpansionSchema.safeParse(readExpansion(value)).success,
    more: (value) => FanOutPageSchema.safeParse(readFanOutPage(value)).success,
  };
  const fixed = new URLSearchParams();
  for (const [name, value] of params) {
    if (!bad.has(name) || isGood[name]?.(value)) fixed.append(name, value);
  }
  return "query" in readViewAddress(fixed) ? fixed : null;
}

/** Next's `searchParams` object as URLSearchParams (repeated names kept). */
export function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(name, v);
  }
  return params;
}

/**
 * The explorer's state from its address, or the problems that keep it from being one. An address
 * without a node is the explorer's start page, not an error.
 */
export function readExplorerAddress(params: ParamsLike): { state: ExplorerState } | { problems: ViewQueryProblem[] } {
  if (!(params.get("node") ?? params.get("nodeId"))) {
    return { state: { node: null, depth: VIEW_DEFAULT_DEPTH, direction: "both", view: "entity", selected: null, expand: [], more: [] } };
  }
  const read = readViewAddress(params);
  return "query" in read ? { state: toExplorerState(read.query) } : read;
}

/** A view query as the explorer keeps it (granularity resolved, defaults left out of the address). */
export function toExplorerState(query: ViewQuery): ExplorerState & { node: string } {
  return {
    node: query.node,
    depth: query.depth,
    direction: query.direction,
    view: (query.view ?? granularityOf(query.node)) as Granularity,
    selected: query.selected,
    expand: query.expand as Expansion[],
    more: query.more as FanOutPage[],
    ...(query.fold ? {} : { fold: false as const }),
    ...(query.asOf ? { asOf: query.asOf } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.columns ? { columns: true } : {}),
    ...(query.field ? { field: query.field } : {}),
  };
}

/**
 * The canonical search params of a view (the address's names: node, depth, direction, view,
 * selected, expand, more, fold, asOf, limit, columns, field). `nodeParam` renames `node` for the API (`nodeId`).
 */
export function viewQueryParams(
  query: Pick<ViewQuery, "node" | "depth" | "direction"> & Partial<Pick<ViewQuery, "view" | "selected" | "expand" | "more" | "fold" | "asOf" | "limit" | "columns" | "field">>,
  nodeParam: "node" | "nodeId" = "node",
): URLSearchParams {
  const params = new URLSearchParams();
  params.set(nodeParam, query.node);
  params.set("depth", String(query.depth));
  params.set("direction", query.direction);
  if (query.view) params.set("view", query.view);
  if (query.selected) params.set("selected", query.selected);
  for (const e of query.expand ?? []) params.append("expand", `${e.direction === "upstream" ? "up" : "down"}:${e.id}`);
  for (const p of query.more ?? []) params.append("more", `${p.direction === "upstream" ? "up" : "down"}:${p.shown}:${p.id}`);
  if (query.fold === false) params.set("fold", "0");
  if (query.asOf) params.set("asOf", query.asOf);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.columns) params.set("columns", "1");
  if (query.field) params.set("field", query.field);
  return params;
}

/** The lineage API's address for one neighbourhood (the API names the node `nodeId`). */
function lineageApiUrl(node: string, depth: number, direction: Direction, limit: number, asOf: string | undefined): string {
  return `/api/v1/lineage?${viewQueryParams({ node, depth, direction, limit, asOf }, "nodeId").toString()}`;
}

/**
 * Whether the explorer's page reads this view on the server while it renders (app/lineage/page.tsx):
 * a view within the default budget whose focus is of its granularity. Any other view the browser
 * asks for, as soon as the explorer's code runs (lineage-explorer.tsx).
 */
export function isReadWithPage(state: Pick<ExplorerState, "view" | "limit"> & { node: string }): boolean {
  return state.view === granularityOf(state.node) && (state.limit ?? VIEW_DEFAULT_LIMIT) <= VIEW_DEFAULT_LIMIT;
}

/**
 * The lineage API requests the explorer makes for a view: its neighbourhood within the node budget,
 * and one a "+N" expansion. One home, because the explorer's page makes the same reads on the
 * server for the first paint and hands them over by these addresses.
 */
export function explorerApiUrls(state: Pick<ExplorerState, "depth" | "direction" | "expand" | "asOf" | "limit"> & { node: string }): {
  graph: string;
  expansions: string[];
} {
  return {
    graph: lineageApiUrl(state.node, state.depth, state.direction, state.limit ?? VIEW_DEFAULT_LIMIT, state.asOf),
    expansions: state.expand.map((e) => lineageApiUrl(e.id, 1, e.direction, EXPANSION_LIMIT, state.asOf)),
  };
}

export type { Direction };

/** Column lineage's default depth: Marquez's, so its users' scripts that leave it out get what they expect. */
export const COLUMN_LINEAGE_DEFAULT_DEPTH = 20;

/**
 * GET /api/v1/column-lineage: a field (datasetField:<ns>:<dataset>:<field>) or every field of a
 * dataset (dataset:<ns>:<name>), upstream and, on request, downstream; the lineage API's bounds.
 */
export const ColumnLineageQuerySchema = z.object({
  nodeId: z
    .string()
    .trim()
    .min(1, "required")
    .max(2_000)
    .refine((id) => id.startsWith("datasetField:") || nodeTypeOf(id) === "dataset", "expected datasetField:<namespace>:<dataset>:<field> or dataset:<namespace>:<name>"),
  depth: z.coerce.number().int("expected a whole number").min(0).max(VIEW_MAX_DEPTH).default(COLUMN_LINEAGE_DEFAULT_DEPTH),
  withDownstream: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
  limit: z.coerce.number().int("expected a whole number").min(1).max(VIEW_MAX_LIMIT).default(VIEW_DEFAULT_LIMIT),
  asOf: AsOfSchema,
});


/** Most datasets one GET /api/v1/column-lineage/fields asks about: a view's node budget. */
export const MAX_FIELD_DATASETS = VIEW_DEFAULT_LIMIT;

/** GET /api/v1/column-lineage/fields?dataset=<id>&dataset=<id>…: the fields of a view's datasets. */
export const DatasetFieldsQuerySchema = z.object({
  dataset: z
    .array(z.string().trim().max(2_000).refine((id) => nodeTypeOf(id) === "dataset", "expected a dataset id such as dataset:<namespace>:<name>"))
    .min(1, "name at least one dataset")
    .max(MAX_FIELD_DATASETS),
  asOf: AsOfSchema,
});

/** GET /api/v1/column-lineage/impact?nodeId=<field>[&format=csv][&limit=][&asOf=] */
export const FieldImpactQuerySchema = z.object({
  nodeId: z.string().trim().min(1, "required").max(2_000).refine((id) => isDatasetFieldId(id), "expected a field id such as datasetField:<namespace>:<dataset>:<field>"),
  format: z.enum(["json", "csv"]).default("json"),
  limit: z.coerce.number().int("expected a whole number").min(1).max(VIEW_MAX_LIMIT).default(VIEW_MAX_LIMIT),
  asOf: AsOfSchema,
});
