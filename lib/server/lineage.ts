import "server-only";
import { edgeKey, type EdgeKey } from "./edge-key";
import { AppError } from "./errors";
import { getFlagPropagation } from "./flags-closure";
import type { LogHead } from "./event-log";
import { MAX_SEQ, type Queryable, type SqlValue } from "./store/types";
import type { Direction, LineageEdge, LineageGraph, LineageNode, NodeType, RunState } from "@/lib/lineage/types";

/**
 * Lineage traversal in plain SQL through the store, hop by hop: each hop is one indexed query over
 * the whole frontier (Edge is indexed on both directions), read in key order a page at a time,
 * with a visited set, so the node budget is enforced exactly and deterministically and `truncated`
 * says whenever it cut anything. The same statements run on SQLite and PostgreSQL; the frontier
 * travels as one JSON array parameter (`dialect.jsonValues`).
 */

export interface LineageQuery {
  nodeId: string;
  depth: number;
  direction: Direction;
  limit: number;
  /** Only what the log held up to this sequence number (as-of views). */
  asOfSeq?: number;
}

export const MAX_DEPTH = 50;
export const MAX_NODES = 20_000;

/**
 * Edges read per round trip while nodes can still join: a walk stops as soon as its budget is
 * spent, so a hub with 27,000 readers costs a page, not 27,000 rows.
 */
const EDGE_PAGE = 1_000;

/**
 * Edge rows the recursive query of a walk reads at most (see EdgeQueries.reach): past them the
 * rest of the walk goes hop by hop from where the rows stop being complete. Twice the node budget,
 * at least 1,000 and at most 10,000: a walk lets a node in per edge at most, so a 2,000-node
 * neighbourhood (at 1M edges) is mostly known in full from its one query and walked in memory,
 * where 1,000 rows left it two more pages and two reads of the edges after its cut.
 */
const walkRows = (limit: number) => Math.max(1_000, Math.min(2 * limit, 10_000));

interface EdgeRow {
  s: number;
  t: number;
}

/** An edge's ids as the walk's reads give them: source, target (`Queryable.values`). */
type EdgeValues = [s: number, t: number];

const edgeRows = (rows: EdgeValues[]): EdgeRow[] => rows.map((r) => ({ s: r[0], t: r[1] }));

/** Key order: source id, then target id. */
const compareEdges = (a: EdgeRow, b: EdgeRow) => a.s - b.s || a.t - b.t;

/** A hop's reads of the frontier's edges (see edgeQueries). */
interface EdgeReads {
  /** A page of the frontier's edges in key order after `last` (from the start when null). */
  page(frontier: number[], last: EdgeRow | null, size: number): Promise<EdgeRow[]>;
  /** The frontier's edges after `last` (in key order; all of them when null) whose other end is one of `nodes`. */
  into(frontier: number[], nodes: number[], last: EdgeRow | null): Promise<EdgeRow[]>;
}

/** The first hops of a walk, read at once (see EdgeQueries.reach). */
interface KnownHops {
  /** How many hops from the focus are known in full. */
  hops: number;
  /** Those hops' reads, answered from memory. */
  reads: EdgeReads;
}

interface EdgeQueries extends EdgeReads {
  /**
   * Where round trips cost (`dialect.walksInOneQuery`): every edge within `depth` hops of the
   * focus, in one recursive query, as far as `rows` rows go (see walkRows).
   */
  reach?: (focusId: number, depth: number, rows: number) => Promise<KnownHops>;
  /** The column the frontier matches (the walk's direction). */
  from: "sourceId" | "targetId";
}

/**
 * EdgeReads over the edges of known hops, grouped by the node they are read from: the same pages
 * and the same edges after a cut as the SQL gives, so a walk over them is the walk over the table.
 */
function readsInMemory(byFrom: Map<number, EdgeRow[]>, other: (e: EdgeRow) => number): EdgeReads {
  let sorted: { frontier: number[]; edges: EdgeRow[] } | null = null;
  const edgesOf = (frontier: number[]) => {
    if (sorted?.frontier !== frontier) sorted = { frontier, edges: frontier.flatMap((id) => byFrom.get(id) ?? []).sort(compareEdges) };
    return sorted.edges;
  };
  const after = (edges: EdgeRow[], last: EdgeRow | null) => {
    if (!last) return 0;
    const at = edges.findIndex((e) => compareEdges(e, last) > 0);
    return at < 0 ? edges.length : at;
  };
  return {
    page: async (frontier, last, size) => {
      const edges = edgesOf(frontier);
      const from = after(edges, last);
      return edges.slice(from, from + size);
    },
    into: async (frontier, nodes, last) => {
      const edges = edgesOf(frontier);
      const wanted = new Set(nodes);
      return edges.slice(after(edges, last)).filter((e) => wanted.has(other(e)));
    },
  };
}

/**
 * The edge queries of one direction (`from` is the column the frontier matches), with the as-of
 * filter or without it. Without an as-of point the filter is left out rather than bound to
 * "everything": `seq` lives in the Edge table, not in its two indexes, so `seq <= ?` reads one
 * table row per edge, where the plain query lists edges from the index alone (a hub version with
 * 27,000 readers: 15 ms against 0.6 ms at 1M edges on SQLite).
 */
function edgeQueries(db: Queryable, from: "sourceId" | "targetId", asOfSeq: number | undefined): EdgeQueries {
  const to = from === "sourceId" ? "targetId" : "sourceId";
  // Bound, not written into the SQL: each distinct text is a statement prepared and kept.
  const filter = asOfSeq === undefined ? { sql: "", params: [] } : { sql: `AND "seq" <= ?`, params: [Math.min(asOfSeq, MAX_SEQ)] };
  const frontierIs = (frontier: number[]) =>
    frontier.length === 1 ? { sql: `"${from}" = ?`, param: frontier[0] } : { sql: `"${from}" IN ${db.dialect.jsonValues("integer")}`, param: JSON.stringify(frontier) };
  const after = (last: EdgeRow | null) => (last ? { sql: `AND ("sourceId", "targetId") > (?, ?)`, params: [last.s, last.t] } : { sql: "", params: [] });
  /**
   * `after` for one frontier node's edges, f."value" (pages node by node): the same bound, as a
   * bound on the other column of that node's index. Given `("sourceId", "targetId") > (s, t)`,
   * PostgreSQL starts each node's index scan at (s, t) and reads on to the node's own edges: every
   * edge between the two (a frontier of 418 nodes at 1M edges: 362,000 index pages, 2.1 s);
   * bounded here it starts at the node's first edge after the cursor (4 ms).
   */
  const nodeAfter = (last: EdgeRow | null) => {
    if (!last) return { sql: "", params: [] };
    return from === "sourceId"
      ? // (v, t') > (s, t): every edge of a node after s, those after t of s itself, none before it.
        { sql: `AND "targetId" > CASE WHEN f."value" > ? THEN ${-MAX_SEQ - 1} WHEN f."value" = ? THEN ? ELSE ${MAX_SEQ} END`, params: [last.s, last.s, last.t] }
      : // (s', v) > (s, t): sources from s on for a node after t, sources after s for the others.
        { sql: `AND "sourceId" > CASE WHEN f."value" > ? THEN ? - 1 ELSE ? END`, params: [last.t, last.s, last.s] };
  };
  /**
   * The walk's hops in one recursive query (see walkOneWay): each edge with the hop it is read at,
   * hop after hop (PostgreSQL's recursive union reads its working table to the end before the next
   * round), up to `limit` rows. UNION drops a row read again at the same hop; a node reached at
   * two hops is read at both, which only repeats rows. When the rows stop at the limit, every hop
   * before the last one seen is complete.
   */
  const reach = async (focusId: number, depth: number, limit: number): Promise<KnownHops> => {
    const [fromEnd, toEnd] = from === "sourceId" ? ["s", "t"] : ["t", "s"];
    const rows = await db.values<[s: number, t: number, hop: number]>(
      `WITH RECURSIVE "walk"("s", "t", "hop") AS (
         SELECT "sourceId", "targetId", 1 FROM "Edge" WHERE "${from}" = ? ${filter.sql}
         UNION
         SELECT e."sourceId", e."targetId", w."hop" + 1 FROM "walk" w JOIN "Edge" e ON e."${from}" = w."${toEnd}"
         WHERE w."hop" < ? ${filter.sql.replace(`"seq"`, `e."seq"`)}
       )
       SELECT "s", "t", "hop" FROM "walk" LIMIT ?`,
      [focusId, ...filter.params, depth, ...filter.params, limit],
    );
    const byFrom = new Map<number, EdgeRow[]>();
    const seen = new Set<EdgeKey>();
    let lastHop = 0;
    for (const [s, t, hop] of rows) {
      lastHop = Math.max(lastHop, hop);
      const key = edgeKey(s, t);
      if (seen.has(key)) continue;
      seen.add(key);
      const node = fromEnd === "s" ? s : t;
      const list = byFrom.get(node);
      if (list) list.push({ s, t });
      else byFrom.set(node, [{ s, t }]);
    }
    const hops = rows.length < limit ? depth : lastHop - 1;
    return { hops, reads: readsInMemory(byFrom, toEnd === "t" ? (e) => e.t : (e) => e.s) };
  };
  return {
    from,
    reach: db.dialect.walksInOneQuery ? reach : undefined,
    page(frontier: number[], last: EdgeRow | null, size: number): Promise<EdgeRow[]> {
      const f = frontierIs(frontier);
      const a = after(last);
      if (frontier.length > 1 && db.dialect.pagesNodeByNode) {
        // At most a page from each frontier node, each read in key order from its index, then the
        // first page of those: a hub's 270,000 edges (1M edges) cost a page, not a sort of them all.
        const n = nodeAfter(last);
        return db.values<EdgeValues>(
          `SELECT e."s", e."t" FROM ${db.dialect.jsonValues("integer")} AS f
           CROSS JOIN LATERAL (SELECT "sourceId" AS "s", "targetId" AS "t" FROM "Edge"
             WHERE "${from}" = f."value" ${n.sql} ${filter.sql} ORDER BY "sourceId", "targetId" LIMIT ${size}) AS e
           ORDER BY e."s", e."t" LIMIT ${size}`,
          [f.param, ...n.params, ...filter.params],
        ).then(edgeRows);
      }
      return db.values<EdgeValues>(
        `SELECT "sourceId" AS "s", "targetId" AS "t" FROM "Edge" WHERE ${f.sql} ${a.sql} ${filter.sql} ORDER BY "sourceId", "targetId" LIMIT ${size}`,
        [f.param, ...a.params, ...filter.params],
      ).then(edgeRows);
    },
    /**
     * The frontier's edges after a given one (in key order; all of them without one) whose other
     * end is one of the given nodes. The `+` keeps SQLite from probing the index for every pair of frontier node and given
     * node (a frontier of 300 and 2,000 nodes in: 600,000 probes, a 2,000-node query took 270 ms);
     * it reads the frontier's edges from the index and tests each against the given nodes.
     */
    into(frontier: number[], nodes: number[], last: EdgeRow | null): Promise<EdgeRow[]> {
      const f = frontierIs(frontier);
      // PostgreSQL reads the given nodes' edges instead (dialect.edgesIntoByNodes): a budget is cut
      // at a hub, whose edges past the cut run to hundreds of thousands at 1M edges (9 s a query
      // there), while the nodes in have few edges in this direction each. The `+`s keep its planner
      // off the frontier's index and off a range scan of the key from the cut on.
      const [frontierSql, nodesSql, afterSql] = db.dialect.edgesIntoByNodes
        ? [`+${f.sql}`, `"${to}" IN`, `AND (+"sourceId", +"targetId") > (?, ?)`]
        : [f.sql, `+"${to}" IN`, `AND ("sourceId", "targetId") > (?, ?)`];
      return db.values<EdgeValues>(
        `SELECT "sourceId" AS "s", "targetId" AS "t" FROM "Edge"
         WHERE ${frontierSql} AND ${nodesSql} ${db.dialect.jsonValues("integer")} ${last ? afterSql : ""} ${filter.sql}
         ORDER BY "sourceId", "targetId"`,
        [f.param, JSON.stringify(nodes), ...(last ? [last.s, last.t] : []), ...filter.params],
      ).then(edgeRows);
    },
  };
}

/** Node rows with their edge counts (as of a point or not). */
interface NodeRow {
  id: number;
  key: string;
  type: NodeType;
  namespace: string;
  name: string;
  upstreamCount: number;
  downstreamCount: number;
}

/**
 * Node `n`'s edge counts as two columns. Now: the counts the projection keeps on the row (a hub's
 * are not counted from its index entries). As of a point on the live store: the edges recorded up
 * to it, counted (see edgeQueries).
 */
function edgeCounts(asOfSeq: number | undefined): { sql: string; params: number[] } {
  if (asOfSeq === undefined) return { sql: `n."upstreamCount", n."downstreamCount"`, params: [] };
  const bound = Math.min(asOfSeq, MAX_SEQ);
  return {
    sql: `(SELECT COUNT(*) FROM "Edge" WHERE "targetId" = n."id" AND "seq" <= ?) AS "upstreamCount",
          (SELECT COUNT(*) FROM "Edge" WHERE "sourceId" = n."id" AND "seq" <= ?) AS "downstreamCount"`,
    params: [bound, bound],
  };
}

function readNodes(db: Queryable, idsJson: string, asOfSeq: number | undefined): Promise<NodeRow[]> {
  const counts = edgeCounts(asOfSeq);
  return db.all<NodeRow>(
    `SELECT n."id", n."key", n."type", n."namespace", n."name", ${counts.sql} FROM "Node" n WHERE n."id" IN ${db.dialect.jsonValues("integer")}`,
    [...counts.params, idsJson],
  );
}

/**
 * describeIds in one statement (`dialect.describesInOneQuery`): each node, then, `LATERAL`, the
 * one row of its own table its type names (the other branches are skipped by their type test, so
 * PostgreSQL probes one table's index per node) with the dataset or job a version or run belongs
 * to. Written as one join of every table instead, PostgreSQL planned hash joins over whole tables
 * (it cannot know how short the id list is): 2-2.5 s at 1M edges. A run is read from RunBrief, the
 * columns a view needs of it in a narrow table the database keeps in step with Run (PostgreSQL
 * only, prisma/postgresql/migrations/*_run_brief): a Run row with its JSON is ~1.75 KB, and the
 * ~1,300 runs of a 2,000-node view were ~1,300 heap pages that did not stay in shared buffers.
 */
const DESCRIBE_EACH = (ids: string, counts: string) => `
  SELECT n."id", n."key", n."type", n."namespace", n."name", ${counts},
         t."kind", t."version", t."state", t."versionFailed", t."isSynthetic", t."time"
  FROM ${ids} AS f JOIN "Node" n ON n."id" = f."value"
  LEFT JOIN LATERAL (
    SELECT d."kind", dl."version", NULL AS "state", dl."isFailed" AS "versionFailed", dl."isSynthetic", COALESCE(dl."createdAt", d."updatedAt") AS "time"
    FROM "Dataset" d LEFT JOIN "DatasetVersion" dl ON dl."key" = d."latestVersionKey" WHERE n."type" = 'dataset' AND d."nodeId" = n."id"
    UNION ALL
    SELECT jb."kind", NULL, jr."state", NULL, NULL, COALESCE(jr."startedAt", jb."updatedAt")
    FROM "Job" jb LEFT JOIN "Run" jr ON jr."runId" = jb."latestRunId" WHERE n."type" = 'job' AND jb."nodeId" = n."id"
    UNION ALL
    SELECT vd."kind", v."version", NULL, v."isFailed", v."isSynthetic", v."createdAt"
    FROM "DatasetVersion" v LEFT JOIN "Dataset" vd ON vd."key" = v."datasetKey" WHERE n."type" = 'datasetVersion' AND v."nodeId" = n."id"
    UNION ALL
    SELECT rj."kind", NULL, r."state", NULL, NULL, COALESCE(r."endedAt", r."startedAt")
    FROM "RunBrief" r LEFT JOIN "Job" rj ON rj."key" = r."jobKey" WHERE n."type" = 'run' AND r."nodeId" = n."id"
  ) AS t ON TRUE`;

/** Most nodes one statement of DESCRIBE_EACH describes where reads run side by side (see describeIds). */
const DESCRIBE_PART = 500;

/**
 * What the node's own table gives. For versions and runs the query gives the dataset or job key
 * as `kind`, and `ownerKinds` maps those keys to kinds (see describeIds).
 */
interface TypedRow {
  id: number;
  kind: string | null;
  version: string | null;
  state: RunState | null;
  versionFailed: boolean | number | null;
  isSynthetic: boolean | number | null;
  time: string | null;
}

// describeIds: the columns of `describe`, one node type at a time (see there). `?` is the id list.
const TYPED: Partial<Record<NodeType, { rows: (ids: string) => string; ownerKinds?: (keys: string) => string }>> = {
  dataset: {
    rows: (ids) => `
      SELECT d."nodeId" AS "id", d."kind", dl."version", NULL AS "state", dl."isFailed" AS "versionFailed", dl."isSynthetic",
             COALESCE(dl."createdAt", d."updatedAt") AS "time"
      FROM "Dataset" d LEFT JOIN "DatasetVersion" dl ON dl."key" = d."latestVersionKey" WHERE d."nodeId" IN ${ids}`,
  },
  job: {
    rows: (ids) => `
      SELECT jb."nodeId" AS "id", jb."kind", NULL AS "version", jr."state", NULL AS "versionFailed", NULL AS "isSynthetic",
             COALESCE(jr."startedAt", jb."updatedAt") AS "time"
      FROM "Job" jb LEFT JOIN "Run" jr ON jr."runId" = jb."latestRunId" WHERE jb."nodeId" IN ${ids}`,
  },
  datasetVersion: {
    rows: (ids) => `
      SELECT v."nodeId" AS "id", v."datasetKey" AS "kind", v."version", NULL AS "state", v."isFailed" AS "versionFailed", v."isSynthetic",
             v."createdAt" AS "time"
      FROM "DatasetVersion" v WHERE v."nodeId" IN ${ids}`,
    ownerKinds: (keys) => `SELECT "key", "kind" FROM "Dataset" WHERE "key" IN ${keys}`,
  },
  run: {
    rows: (ids) => `
      SELECT r."nodeId" AS "id", r."jobKey" AS "kind", NULL AS "version", r."state", NULL AS "versionFailed", NULL AS "isSynthetic",
             COALESCE(r."endedAt", r."startedAt") AS "time"
      FROM "Run" r WHERE r."nodeId" IN ${ids}`,
    ownerKinds: (keys) => `SELECT "key", "kind" FROM "Job" WHERE "key" IN ${keys}`,
  },
};

/** Every node table joined for every node: for ids of a type without a query of its own. */
const DESCRIBE = (ids: string) => `
  SELECT n."id", n."key", n."type", n."namespace", n."name",
         COALESCE(d."kind", vd."kind", jb."kind", rj."kind") AS "kind",
         COALESCE(v."version", dl."version") AS "version",
         COALESCE(r."state", jr."state") AS "state",
         COALESCE(v."isFailed", dl."isFailed", FALSE) AS "versionFailed",
         COALESCE(v."isSynthetic", dl."isSynthetic", FALSE) AS "isSynthetic",
         COALESCE(r."endedAt", r."startedAt", jr."startedAt", v."createdAt", dl."createdAt", d."updatedAt", jb."updatedAt") AS "time"
  FROM "Node" n
  LEFT JOIN "Dataset" d ON d."nodeId" = n."id"
  LEFT JOIN "DatasetVersion" dl ON dl."key" = d."latestVersionKey"
  LEFT JOIN "Job" jb ON jb."nodeId" = n."id"
  LEFT JOIN "Run" jr ON jr."runId" = jb."latestRunId"
  LEFT JOIN "DatasetVersion" v ON v."nodeId" = n."id"
  LEFT JOIN "Dataset" vd ON vd."key" = v."datasetKey"
  LEFT JOIN "Run" r ON r."nodeId" = n."id"
  LEFT JOIN "Job" rj ON rj."key" = r."jobKey"
  WHERE n."id" IN ${ids}`;

/**
 * The described rows of the nodes with the ids in `idsJson`, with each node's upstream and
 * downstream edge counts (as of `asOfSeq` when given), in few index probes. One query joining all
 * four node tables and their lookups for every node costs 9-11 probes a node (the bulk of a
 * 2,000-node answer); here each node is read from Node, then from its own table. A version's kind
 * is its dataset's, a run's its job's: a 2,000-node neighbourhood holds some 1,300 runs of 40 jobs
 * and 700 versions of 10 datasets, so each dataset and job is looked up once. Ids of any other type
 * go through the one joined query.
 */
async function describeIds(db: Queryable, ids: readonly number[], asOfSeq?: number): Promise<DescribedRow[]> {
  if (db.dialect.describesInOneQuery) {
    // A big answer in parts of DESCRIBE_PART sent at once where reads run side by side, each on a
    // pooled connection (a server process) of its own: 2,000 nodes at 1M edges, 46 ms in one
    // statement, 23 in four.
    const part = db.dialect.readsInParallel ? DESCRIBE_PART : ids.length;
    const parts: Promise<DescribedRow[]>[] = [];
    for (let i = 0; i < ids.length; i += part) parts.push(describeEach(db, ids.slice(i, i + part), asOfSeq));
    return (await Promise.all(parts)).flat();
  }
  const nodes = await readNodes(db, JSON.stringify(ids), asOfSeq);
  const byType = new Map<NodeType, number[]>();
  for (const { id, type } of nodes) {
    const list = byType.get(type);
    if (list) list.push(id);
    else byType.set(type, [id]);
  }
  const typed = new Map<number, TypedRow>();
  const other: number[] = [];
  const idList = db.dialect.jsonValues("integer");
  const readTyped = async (q: NonNullable<(typeof TYPED)[NodeType]>, list: number[]) => {
    const rows = await db.all<TypedRow>(q.rows(idList), [JSON.stringify(list)]);
    if (q.ownerKinds) {
      // `kind` holds the dataset or job key: each distinct one looked up once, then its kind.
      const owners = await db.all<{ key: string; kind: string | null }>(q.ownerKinds(db.dialect.jsonValues("text")), [
        JSON.stringify([...new Set(rows.map((r) => r.kind))]),
      ]);
      const kindByKey = new Map(owners.map((o) => [o.key, o.kind]));
      for (const r of rows) r.kind = kindByKey.get(r.kind as string) ?? null;
    }
    for (const r of rows) typed.set(r.id, r);
  };
  const reads: Promise<void>[] = [];
  for (const [type, list] of byType) {
    const q = TYPED[type];
    if (q) reads.push(readTyped(q, list));
    else other.push(...list);
  }
  // One type's queries never wait for another's: on PostgreSQL each goes out on a pooled
  // connection of its own, so a description costs two round trips, not up to seven.
  const [generic] = await Promise.all([
    other.length > 0 ? db.all<DescribeRow>(DESCRIBE(idList), [JSON.stringify(other)]).then((rows) => new Map(rows.map((r) => [r.id, r]))) : null,
    ...reads,
  ]);
  return nodes.map(({ id, key, type, namespace, name, upstreamCount, downstreamCount }) => {
    const fallback = generic?.get(id);
    if (fallback) return { ...fallback, upstreamCount, downstreamCount };
    const t = typed.get(id);
    return {
      id,
      key,
      type,
      namespace,
      name,
      kind: t?.kind ?? null,
      version: t?.version ?? null,
      state: t?.state ?? null,
      versionFailed: t?.versionFailed ?? false,
      isSynthetic: t?.isSynthetic ?? false,
      time: t?.time ?? null,
      upstreamCount,
      downstreamCount,
    };
  });
}

/**
 * DESCRIBE_EACH over `ids`, in id order, so its probes walk the indexes in key order (exported for
 * the test that reads it as objects too, against describeEach's arrays).
 */
export function describeEachQuery(db: Queryable, ids: readonly number[], asOfSeq: number | undefined): { sql: string; params: SqlValue[] } {
  const counts = edgeCounts(asOfSeq);
  return { sql: DESCRIBE_EACH(db.dialect.jsonValues("integer"), counts.sql), params: [...counts.params, JSON.stringify([...ids].sort((a, b) => a - b))] };
}

/** A row of DESCRIBE_EACH as `Queryable.values` gives it: its columns in the order selected. */
type DescribedValues = [
  id: number,
  key: string,
  type: NodeType,
  namespace: string,
  name: string,
  upstreamCount: number,
  downstreamCount: number,
  kind: string | null,
  version: string | null,
  state: RunState | null,
  versionFailed: boolean | number,
  isSynthetic: boolean | number,
  time: string | null,
];

/**
 * describeEachQuery's rows, read as arrays (a 2,000-node answer's description is 2,000 rows of 13
 * columns: the driver's object a row cost more than this one literal of a fixed shape).
 */
export async function describeEach(db: Queryable, ids: readonly number[], asOfSeq: number | undefined): Promise<DescribedRow[]> {
  const { sql, params } = describeEachQuery(db, ids, asOfSeq);
  return (await db.values<DescribedValues>(sql, params)).map((v) => ({
    id: v[0],
    key: v[1],
    type: v[2],
    namespace: v[3],
    name: v[4],
    upstreamCount: v[5],
    downstreamCount: v[6],
    kind: v[7],
    version: v[8],
    state: v[9],
    versionFailed: v[10],
    isSynthetic: v[11],
    time: v[12],
  }));
}

/** Where a walk's nodes are described (see describeAsTheyJoin). */
interface Description {
  /** Nodes that joined the walk; `isFinal`: the walk's budget is spent, so no more will join. */
  add(ids: readonly number[], isFinal?: boolean): void;
  /** The described rows of the answer's nodes, `ids` (nodes added that are not among them are left out). */
  rows(ids: ReadonlySet<number>): Promise<DescribedRow[]>;
}

/**
 * A walk's nodes described as they join it, where reads run side by side and one statement
 * describes them (PostgreSQL): each DESCRIBE_PART nodes go out as one statement on a pooled
 * connection of their own while the walk reads on, and what is left once the budget is spent (the
 * nodes in are final then, but for a speculative walk, see walkBothWays) or the walk is done. A big
 * answer's description then overlaps the walk's last reads (the edges into the nodes in, after the
 * cut) instead of following them. Elsewhere the answer is described once it is known.
 */
function describeAsTheyJoin(db: Queryable, asOfSeq: number | undefined): Description {
  if (!db.dialect.readsInParallel || !db.dialect.describesInOneQuery) {
    return { add: () => undefined, rows: (ids) => describeIds(db, [...ids], asOfSeq) };
  }
  const sent = new Set<number>();
  const parts: Promise<DescribedRow[]>[] = [];
  let pending: number[] = [];
  const send = () => {
    if (pending.length === 0) return;
    const part = describeEach(db, pending, asOfSeq);
    // Awaited in rows(); a walk that fails first must not leave it unhandled.
    part.catch(() => undefined);
    parts.push(part);
    pending = [];
  };
  const add = (ids: Iterable<number>, isFinal = false) => {
    for (const id of ids) {
      if (sent.has(id)) continue;
      sent.add(id);
      pending.push(id);
      if (pending.length >= DESCRIBE_PART) send();
    }
    if (isFinal) send();
  };
  return {
    add,
    async rows(ids) {
      add(ids, true);
      return (await Promise.all(parts)).flat().filter((r) => ids.has(r.id));
    },
  };
}

interface DescribeRow extends Pick<LineageNode, "type" | "namespace" | "name" | "kind" | "version" | "state"> {
  id: number;
  key: string;
  /** Booleans as the backend gives them: 0/1 on SQLite, true/false on PostgreSQL. */
  versionFailed: boolean | number;
  isSynthetic: boolean | number;
  time: string | null;
}

export interface DescribedRow extends DescribeRow {
  upstreamCount: number;
  downstreamCount: number;
}

/** A walk's focus: its node's id and the event that first mentioned it. */
export interface Focus {
  id: number;
  seq: number;
  /** The edge counts kept on its row (the store's own: as of its point when it is a past one). */
  upstreamCount?: number;
  downstreamCount?: number;
}

function nodeByKey(db: Queryable, key: string): Promise<Focus | undefined> {
  return db.get<Focus>(`SELECT "id", "seq", "upstreamCount", "downstreamCount" FROM "Node" WHERE "key" = ?`, [key]);
}

/**
 * The log's head and the node with this key (null when there is none) in one statement, so both
 * come from one state of the store (a walk read after it sees at least that head) for one round
 * trip: a view of now reads them first (see views.ts).
 */
export async function readHeadAndFocus(db: Queryable, key: string): Promise<{ head: LogHead | null; focus: Focus | null }> {
  const row = await db.get<{ headSeq: number | null; headHash: string | null; id: number | null; seq: number | null; upstreamCount: number; downstreamCount: number }>(
    `SELECT h."seq" AS "headSeq", h."hash" AS "headHash", n."id", n."seq", n."upstreamCount", n."downstreamCount"
     FROM (SELECT 1 AS "one") AS o
     LEFT JOIN (SELECT "seq", "hash" FROM "Event" ORDER BY "seq" DESC LIMIT 1) AS h ON 1 = 1
     LEFT JOIN "Node" n ON n."key" = ?`,
    [key],
  );
  return {
    head: row?.headSeq != null && row.headHash != null ? { seq: row.headSeq, hash: row.headHash } : null,
    focus: row?.id != null && row.seq != null ? { id: row.id, seq: row.seq, upstreamCount: row.upstreamCount, downstreamCount: row.downstreamCount } : null,
  };
}

/**
 * The neighbourhood of one node: breadth-first, depth hops, at most `limit` nodes. Each hop takes
 * the frontier's edges in key order (source id, target id); a node joins while there is room, an
 * edge is kept when both its ends are in, and `truncated` says that some edge led to a node left
 * out. Once the budget is spent no node can join any more, so the rest of a hop can only keep edges
 * into the nodes already in, and so can the next hop, the last one with a frontier: the walk then
 * stops reading edges page by page (a hub's 27,000) and asks for exactly those, both hops at once.
 */
/** What a walk has reached so far: the nodes in, the edges kept, whether the budget cut anything. */
interface Reach {
  included: Set<number>;
  edges: Map<EdgeKey, EdgeRow>;
  truncated: boolean;
  /** Told of the nodes each hop lets in (to describe them meanwhile, see describeAsTheyJoin). */
  onJoin: Description["add"];
}

/**
 * One direction of the walk from `focusId`, adding to `reach` (see getLineage). `shouldStop` ends
 * it early when its answer is no longer wanted (a speculative walk, see there).
 */
async function walkOneWay(q: EdgeQueries, next: (e: EdgeRow) => number, focus: Focus, query: LineageQuery, reach: Reach, shouldStop = () => false) {
  const focusId = focus.id;
  const rows = walkRows(query.limit);
  // A focus with as many edges this way as the query reads rows (a hub: a tokenizer read by 27,000
  // runs) cannot have even its first hop known in full: the query would only be read twice.
  const focusEdges = q.from === "targetId" ? focus.upstreamCount : focus.downstreamCount;
  const isHub = focusEdges !== undefined && focusEdges >= rows;
  const { included, edges } = reach;
  // Where round trips cost, the first hops (all of them, for a small neighbourhood) are read in one
  // query and walked in memory exactly as they would be from the table; the rest hop by hop.
  const known = q.reach && query.depth > 0 && !isHub ? await q.reach(focusId, query.depth, rows) : null;
  const readsAt = (hop: number): EdgeReads => (known && hop < known.hops ? known.reads : q);
  const keep = (list: EdgeRow[]) => {
    for (const e of list) edges.set(edgeKey(e.s, e.t), e);
  };
  let frontier = [focusId];
  for (let hop = 0; hop < query.depth && frontier.length > 0 && !shouldStop(); hop++) {
    const reads = readsAt(hop);
    if (reach.truncated) {
      // The budget was spent before this hop (by the other direction): no node joins any more,
      // so the hop keeps exactly the frontier's edges into nodes that are in, and is the last.
      keep(await reads.into(frontier, [...included], null));
      return;
    }
    const newFrontier: number[] = [];
    let cut: EdgeRow | undefined;
    let last: EdgeRow | null = null;
    for (let page = await reads.page(frontier, null, EDGE_PAGE); page.length > 0 && !cut; ) {
      for (const e of page) {
        const other = next(e);
        if (!included.has(other)) {
          if (included.size >= query.limit) {
            cut = e;
            break;
          }
          included.add(other);
          newFrontier.push(other);
        }
        edges.set(edgeKey(e.s, e.t), e);
      }
      last = page[page.length - 1];
      page = cut || page.length < EDGE_PAGE || shouldStop() ? [] : await reads.page(frontier, last, EDGE_PAGE);
    }
    reach.onJoin(newFrontier, cut !== undefined);
    if (cut) {
      reach.truncated = true;
      // The set of nodes in is final now, so what is left of the walk is two reads, made at once:
      // the edges after the cut into nodes that are in (the ones this hop's loop would have gone
      // on to keep) and, for the next hop, every edge of the nodes this hop let in into nodes
      // that are in (that hop could only keep those, and no hop follows it, its frontier empty).
      const nodesIn = [...included];
      const hasNextHop = hop + 1 < query.depth && newFrontier.length > 0 && !shouldStop();
      const [rest, nextHop] = await Promise.all([reads.into(frontier, nodesIn, cut), hasNextHop ? readsAt(hop + 1).into(newFrontier, nodesIn, null) : []]);
      keep(rest);
      keep(nextHop);
      return;
    }
    frontier = newFrontier;
  }
}

const newReach = (focusId: number, onJoin: Reach["onJoin"]): Reach => {
  // The focus is in from the start, so it is described with the first nodes that join: once the
  // budget is spent and the last of them are sent, it would otherwise go in a statement of its own
  // after the walk's last read, one more round trip in sequence for every big answer.
  onJoin([focusId]);
  return { included: new Set([focusId]), edges: new Map(), truncated: false, onJoin };
};

/**
 * Both directions, upstream first, as one walk: downstream skips nodes upstream took and shares
 * its budget. When the two reaches meet only at the focus and fit the budget together, or when
 * upstream holds the focus alone, that is the same as walking each alone, so both are walked at
 * once (on two pooled connections: half the round trips in sequence) and merged; otherwise the
 * downstream walk is made again on top of the upstream one, exactly as the sequential walk does.
 * Only where reads run side by side (`dialect.readsInParallel`): on SQLite a wasted speculative
 * walk would only cost time.
 */
async function walkBothWays(db: Queryable, focus: Focus, query: LineageQuery, onJoin: Reach["onJoin"]): Promise<Reach> {
  const focusId = focus.id;
  const upstream = newReach(focusId, onJoin);
  const downstream = newReach(focusId, onJoin);
  let isWasted = false;
  const up = walkOneWay(edgeQueries(db, "targetId", query.asOfSeq), (e) => e.s, focus, query, upstream).then(() => {
    // A cut upstream means a shared budget downstream: the speculative walk's answer will not do.
    if (upstream.truncated) isWasted = true;
  });
  const down = walkOneWay(edgeQueries(db, "sourceId", query.asOfSeq), (e) => e.t, focus, query, downstream, () => isWasted);
  await Promise.all([up, down]);
  if (!upstream.truncated && upstream.included.size === 1) {
    // Nothing upstream but the focus (a source: a raw dataset, a base model, a tokenizer): the
    // downstream walk on top of it starts from the same node with the same budget, so it is the
    // walk just made, cut or not; walking it again cost a big view half its reads.
    for (const [key, e] of upstream.edges) downstream.edges.set(key, e);
    return downstream;
  }
  let meetOnlyAtFocus = !upstream.truncated && !downstream.truncated && !isWasted;
  for (const id of downstream.included) {
    if (!meetOnlyAtFocus) break;
    if (id !== focusId && upstream.included.has(id)) meetOnlyAtFocus = false;
  }
  if (meetOnlyAtFocus && upstream.included.size + downstream.included.size - 1 <= query.limit) {
    for (const id of downstream.included) upstream.included.add(id);
    for (const [key, e] of downstream.edges) upstream.edges.set(key, e);
    return upstream;
  }
  await walkOneWay(edgeQueries(db, "sourceId", query.asOfSeq), (e) => e.t, focus, query, upstream);
  return upstream;
}

/**
 * `knownFocus`: the focus node as readHeadAndFocus read it from this store (null: no such node),
 * so it is not looked up again.
 */
export async function getLineage(db: Queryable, query: LineageQuery, knownFocus?: Focus | null): Promise<LineageGraph> {
  const focus = knownFocus === undefined ? await nodeByKey(db, query.nodeId) : knownFocus;
  if (!focus || (query.asOfSeq !== undefined && focus.seq > query.asOfSeq)) throw new AppError("not_found", `No node with id ${query.nodeId}.`);
  // Flagged: a flag sits on the node or reaches it from upstream (as of the same point); read while the walk runs.
  const flagging = getFlagPropagation(db, query.asOfSeq);
  flagging.catch(() => undefined);
  const description = describeAsTheyJoin(db, query.asOfSeq);

  let reach: Reach;
  if (query.direction === "both" && db.dialect.readsInParallel) {
    reach = await walkBothWays(db, focus, query, description.add);
  } else {
    reach = newReach(focus.id, description.add);
    if (query.direction !== "downstream") await walkOneWay(edgeQueries(db, "targetId", query.asOfSeq), (e) => e.s, focus, query, reach);
    if (query.direction !== "upstream") await walkOneWay(edgeQueries(db, "sourceId", query.asOfSeq), (e) => e.t, focus, query, reach);
  }
  const { included, edges, truncated } = reach;

  const rows = (await description.rows(included)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const flagged = (await flagging).flaggedKeys;
  return { focus: query.nodeId, nodes: rows.map((r) => toLineageNode(r, flagged)), edges: orderEdges(rows, edges), truncated };
}

/**
 * The edges between the described nodes `sorted` (in key order), as the API lists them: ordered by
 * their source's key followed by their target's, as one text. Where no key is a prefix of another,
 * that is the order of the source's place in `sorted`, then the target's: one number an edge,
 * sorted as numbers, where joining ~2,000 pairs of keys into texts to sort cost a 2,000-node answer
 * ~1 ms of CPU and ~400 KB of garbage. Otherwise (`…:v1` beside `…:v10`, whose edges the joined
 * texts order by the character after `v1`) the joined texts are sorted.
 */
function orderEdges(sorted: readonly DescribedRow[], edges: ReadonlyMap<EdgeKey, EdgeRow>): LineageEdge[] {
  const n = sorted.length;
  const placeOf = new Map<number, number>();
  // In key order the keys that start with a key follow it at once, so neighbours show every prefix.
  let hasPrefix = false;
  for (let i = 0; i < n; i++) {
    placeOf.set(sorted[i]!.id, i);
    if (i + 1 < n && sorted[i + 1]!.key.startsWith(sorted[i]!.key)) hasPrefix = true;
  }
  if (hasPrefix) {
    const keyed: { order: string; edge: LineageEdge }[] = [];
    for (const { s, t } of edges.values()) {
      const source = placeOf.get(s);
      const target = placeOf.get(t);
      if (source === undefined || target === undefined) continue;
      const edge = { source: sorted[source]!.key, target: sorted[target]!.key };
      keyed.push({ order: edge.source + edge.target, edge });
    }
    return keyed.sort((a, b) => (a.order < b.order ? -1 : 1)).map((k) => k.edge);
  }
  // n² stays far below 2^53 (n is at most MAX_NODES), so every pair of places is one exact number.
  const order = new Float64Array(edges.size);
  let count = 0;
  for (const { s, t } of edges.values()) {
    const source = placeOf.get(s);
    const target = placeOf.get(t);
    if (source !== undefined && target !== undefined) order[count++] = source * n + target;
  }
  const places = order.subarray(0, count).sort();
  const out: LineageEdge[] = [];
  for (const place of places) {
    const source = Math.floor(place / n);
    out.push({ source: sorted[source]!.key, target: sorted[place - source * n]!.key });
  }
  return out;
}

/** A described node as the API answers it (exported for the brute-force reference in the tests). */
export function toLineageNode(r: DescribedRow, flagged: ReadonlySet<string>): LineageNode {
  const isRunLike = r.type === "run" || r.type === "job";
  return {
    id: r.key,
    type: r.type,
    namespace: r.namespace,
    name: r.name,
    kind: r.kind,
    version: r.type === "run" ? null : r.version,
    state: isRunLike ? r.state : null,
    isFailed: isRunLike ? r.state === "FAILED" : Boolean(r.versionFailed),
    isSynthetic: Boolean(r.isSynthetic),
    isFlagged: flagged.has(r.key),
    upstreamCount: r.upstreamCount,
    downstreamCount: r.downstreamCount,
    time: r.time,
  };
}

/** Describes a set of nodes by key (for lists in the side panel and search results), in the order given. */
export async function describeNodes(db: Queryable, keys: readonly string[]): Promise<LineageNode[]> {
  if (keys.length === 0) return [];
  const ids = (
    await db.all<{ id: number }>(`SELECT "id" FROM "Node" WHERE "key" IN ${db.dialect.jsonValues("text")}`, [JSON.stringify([...new Set(keys)])])
  ).map((r) => r.id);
  const flagged = (await getFlagPropagation(db)).flaggedKeys;
  const byKey = new Map((await describeIds(db, ids)).map((r) => [r.key, toLineageNode(r, flagged)]));
  return keys.map((k) => byKey.get(k)).filter((n): n is LineageNode => n !== undefined);
}
