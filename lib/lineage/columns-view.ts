/**
 * The explorer's columns view, pure: how tall a dataset node grows when it opens into its fields,
 * which fields it shows when its schema is long, and which nodes and edges of the dataset graph a
 * field's column-lineage path runs through.
 */
import type { ColumnLineageNode, DatasetFieldSummary } from "./columns";
import type { HighlightedPaths } from "./highlight";
import { edgeKey } from "./neighbours";
import { nodeId } from "./node-id";
import type { LineageEdge } from "./types";

/** Fields a dataset node lists before folding the rest into "N more". */
export const FIELDS_SHOWN = 8;
/** How many more each click on "N more" shows. */
export const FIELDS_STEP = 25;
/** A node with more fields than this gets a filter box. */
export const FIELD_FILTER_AT = FIELDS_SHOWN;

/** Row heights of the field list, in px, as components/lineage/nodes/field-list.tsx draws them. */
export const FIELD_LIST = { row: 20, filter: 30, more: 22, padding: 8 } as const;

/** The size of the field list under a dataset node's header: rows shown, filter box, "N more". */
export function fieldListHeight(total: number, shown: number): number {
  if (total === 0) return FIELD_LIST.row + FIELD_LIST.padding;
  const rows = Math.min(total, shown);
  return FIELD_LIST.padding + (total > FIELD_FILTER_AT ? FIELD_LIST.filter : 0) + rows * FIELD_LIST.row + (total > rows ? FIELD_LIST.more : 0);
}

/**
 * The fields a node shows: the first `shown` in schema order, except that fields on the highlighted
 * path (`pinned`) are never folded away. They take the places of the last unpinned ones, so the
 * node keeps its size (and the layout its place) whichever field is clicked.
 */
export function visibleFields(fields: readonly DatasetFieldSummary[], shown: number, pinned: ReadonlySet<string>): DatasetFieldSummary[] {
  if (fields.length <= shown) return [...fields];
  const pinnedHere = fields.filter((f) => pinned.has(f.id));
  const room = Math.max(0, shown - pinnedHere.length);
  const keep = new Set([...fields.filter((f) => !pinned.has(f.id)).slice(0, room), ...pinnedHere].map((f) => f.id));
  return fields.filter((f) => keep.has(f.id));
}

/** The fields whose name (or type) holds `filter`, ignoring case; all of them for a blank filter. */
export function filterFields(fields: readonly DatasetFieldSummary[], filter: string): DatasetFieldSummary[] {
  const needle = filter.trim().toLowerCase();
  if (needle === "") return [...fields];
  return fields.filter((f) => f.field.toLowerCase().includes(needle) || (f.type ?? "").toLowerCase().includes(needle));
}

export interface FieldPath {
  /** Every field on the path, the selected one included. */
  fieldIds: Set<string>;
  /** The datasets and jobs the path runs through, and the dataset-graph edges it follows. */
  highlight: HighlightedPaths;
}

/**
 * The path of a field's column lineage (the graph GET /api/v1/column-lineage answers, upstream and
 * downstream) drawn on a dataset graph: its fields, their datasets, and for each field edge the
 * jobs in the view that read the source dataset and write the target one, with those edges.
 */
export function fieldPathOnGraph(fieldGraph: readonly ColumnLineageNode[], viewEdges: readonly LineageEdge[]): FieldPath {
  const fieldIds = new Set(fieldGraph.map((n) => n.id));
  const datasetOf = new Map(fieldGraph.map((n) => [n.id, nodeId.dataset(n.data.namespace, n.data.dataset)]));
  const nodeIds = new Set(datasetOf.values());
  const edgeKeys = new Set<string>();
  const readers = new Map<string, LineageEdge[]>();
  for (const e of viewEdges) (readers.get(e.source) ?? readers.set(e.source, []).get(e.source)!).push(e);
  const writes = new Set(viewEdges.map(edgeKey));
  for (const node of fieldGraph) {
    for (const edge of node.outEdges) {
      const from = datasetOf.get(edge.origin);
      const to = datasetOf.get(edge.destination);
      if (!from || !to) continue;
      for (const read of readers.get(from) ?? []) {
        const write = { source: read.target, target: to };
        if (!writes.has(edgeKey(write))) continue;
        nodeIds.add(read.target);
        edgeKeys.add(edgeKey(read));
        edgeKeys.add(edgeKey(write));
      }
    }
  }
  return { fieldIds, highlight: { nodeIds, edgeKeys } };
}
