/**
 * The explorer's state lives in the address: focus node, depth, direction, granularity, selection,
 * expansions, node budget, as-of point, and the columns view with its selected field. The address is read and written by the one view query
 * (`lib/schemas/view-query.ts`: a bad value is shown with its fix, never silently replaced), so
 * copying the address reproduces the view.
 */
import { nodeTypeOf } from "./node-id";
import { type Direction, type Granularity } from "./types";
import type { FanOutPage } from "./fan-out";

/** The depth stepper's range in the toolbar (an address may ask for more, up to the view query's bound). */
export const MIN_DEPTH = 1;
export const MAX_DEPTH = 8;

/** A "+N" expansion: the neighbourhood of `id` one hop out on one side. */
export interface Expansion {
  id: string;
  direction: "upstream" | "downstream";
}

export interface ExplorerState {
  node: string | null;
  depth: number;
  direction: Direction;
  view: Granularity;
  selected: string | null;
  expand: Expansion[];
  /** Wide fan-outs paged past their first page ("N more" clicked). */
  more: FanOutPage[];
  /** False: draw every leaf, no fan-out folded (absent: folded). */
  fold?: false;
  /** Show the view as of a point in the log: an ISO time, a date or an event seq (absent: now). */
  asOf?: string;
  /** Node budget of the view (absent: the explorer's default). */
  limit?: number;
  /** Dataset nodes open into their fields (column lineage). */
  columns?: boolean;
  /** The field whose column-lineage path is highlighted (datasetField:<ns>:<dataset>:<field>). */
  field?: string;
}

/** The graph a node's id belongs to: versions and runs live in the version graph. */
export function granularityOf(id: string): Granularity {
  const type = nodeTypeOf(id);
  return type === "datasetVersion" || type === "run" ? "version" : "entity";
}

/**
 * The state after re-centring on another node: a new focus starts a new view, so the old selection,
 * expansions and pages are dropped (the new focus is selected, its panel open); depth and direction carry over.
 */
export function recentre(state: ExplorerState, node: string): ExplorerState {
  const { field: _field, ...rest } = state;
  return { ...rest, node, view: granularityOf(node), selected: node, expand: [], more: [] };
}

/**
 * URL of the lineage page for a node; the one place this address is built (pages, components and
 * services alike). The node opens selected, so its side panel (a run's error, a version's failed
 * checks) shows at once.
 */
export function lineageHref(id: string, extra?: Record<string, string>): string {
  const params = new URLSearchParams({ node: id, selected: id, ...extra });
  return `/lineage?${params.toString()}`;
}
