/**
 * The explorer's state lives in the address: focus node, depth, direction, granularity, selection
 * and expansions. Parsing is forgiving (a hand-edited address falls back to defaults instead of
 * failing) and building is canonical, so copying the address reproduces the view.
 */
import { nodeTypeOf } from "./node-id";
import { type Direction, type Granularity } from "./types";

export const DEFAULT_DEPTH = 2;
export const MIN_DEPTH = 1;
export const MAX_DEPTH = 8;
export const DEFAULT_DIRECTION: Direction = "both";
/** Largest node budget an address may ask for with ?limit= (the explorer's own default is smaller). */
export const MAX_LIMIT = 10_000;

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
  /** Show the view as of a point in the log: an ISO time, a date or an event seq (absent: now). */
  asOf?: string;
  /** Node budget of the view, 1..MAX_LIMIT (absent: the explorer's default). */
  limit?: number;
}

/** The graph a node's id belongs to: versions and runs live in the version graph. */
export function granularityOf(id: string): Granularity {
  const type = nodeTypeOf(id);
  return type === "datasetVersion" || type === "run" ? "version" : "entity";
}

interface ParamsLike {
  get(name: string): string | null;
  getAll(name: string): string[];
}

function clampDepth(raw: string | null): number {
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return DEFAULT_DEPTH;
  return Math.min(MAX_DEPTH, Math.max(MIN_DEPTH, n));
}

function parseLimit(raw: string | null): number | null {
  const n = raw === null || !/^\d+$/.test(raw.trim()) ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(MAX_LIMIT, n) : null;
}

function parseExpansion(raw: string): Expansion | null {
  const separator = raw.indexOf(":");
  if (separator < 0) return null;
  const side = raw.slice(0, separator);
  const id = raw.slice(separator + 1);
  if (!id || nodeTypeOf(id) === null) return null;
  if (side === "up") return { id, direction: "upstream" };
  if (side === "down") return { id, direction: "downstream" };
  return null;
}

/**
 * Reads the explorer state from search params. Unknown or malformed values take their defaults;
 * `view` defaults to the focus node's own granularity; duplicate expansions are dropped.
 */
export function parseExplorerState(params: ParamsLike): ExplorerState {
  const rawNode = params.get("node");
  const node = rawNode && rawNode.trim() !== "" ? rawNode : null;
  const rawDirection = params.get("direction");
  const direction: Direction =
    rawDirection === "upstream" || rawDirection === "downstream" || rawDirection === "both" ? rawDirection : DEFAULT_DIRECTION;
  const rawView = params.get("view");
  const view: Granularity =
    rawView === "entity" || rawView === "version" ? rawView : node ? granularityOf(node) : "entity";
  const rawSelected = params.get("selected");
  const seen = new Set<string>();
  const expand: Expansion[] = [];
  for (const raw of params.getAll("expand")) {
    const expansion = parseExpansion(raw);
    if (!expansion) continue;
    const key = `${expansion.direction}|${expansion.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    expand.push(expansion);
  }
  return {
    node,
    depth: clampDepth(params.get("depth")),
    direction,
    view,
    selected: rawSelected && rawSelected.trim() !== "" ? rawSelected : null,
    expand,
    ...(params.get("asOf")?.trim() ? { asOf: (params.get("asOf") as string).trim() } : {}),
    ...(parseLimit(params.get("limit")) !== null ? { limit: parseLimit(params.get("limit")) as number } : {}),
  };
}

/** Builds the canonical query string (without "?") for a state. */
export function buildExplorerQuery(state: ExplorerState): string {
  const params = new URLSearchParams();
  if (state.node) params.set("node", state.node);
  params.set("depth", String(state.depth));
  params.set("direction", state.direction);
  params.set("view", state.view);
  if (state.selected) params.set("selected", state.selected);
  for (const expansion of state.expand) {
    params.append("expand", `${expansion.direction === "upstream" ? "up" : "down"}:${expansion.id}`);
  }
  if (state.asOf) params.set("asOf", state.asOf);
  if (state.limit !== undefined) params.set("limit", String(state.limit));
  return params.toString();
}

/**
 * The state after re-centring on another node: a new focus starts a new view, so the old selection
 * and expansions are dropped (the new focus is selected, its panel open); depth and direction carry over.
 */
export function recentre(state: ExplorerState, node: string): ExplorerState {
  return { ...state, node, view: granularityOf(node), selected: node, expand: [] };
}
