import "server-only";
import type { Dialect } from "./types";

// Path steps are identifiers Threadline writes in its own SQL, never user input; checked anyway.
function checkedPath(path: readonly string[]): readonly string[] {
  for (const step of path) if (!/^\w+$/.test(step)) throw new Error(`Not a JSON path step: ${step}`);
  return path;
}

export const sqliteDialect: Dialect = {
  backend: "sqlite",
  // SQLite's LIKE ignores ASCII case already.
  likeInsensitive: "LIKE",
  jsonText: (column, path) => `json_extract(${column}, '$.${checkedPath(path).join(".")}')`,
  jsonValues: () => `(SELECT "value" FROM json_each(?))`,
  freshIds: (table) =>
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT (SELECT COALESCE(MAX("id"), 0) FROM "${table}") + i AS "id" FROM n`,
  lockLog: null,
  lockProjection: null,
  joinInOrder: "CROSS JOIN",
  // data_version moves on other connections' commits, never on this connection's own.
  foreignCommitStamp: "SELECT data_version AS stamp FROM pragma_data_version",
  tableExists: `SELECT 1 AS "found" FROM sqlite_master WHERE type = 'table' AND name = ?`,
  readsInParallel: false,
  edgesIntoByNodes: false,
  pagesNodeByNode: false,
  walksInOneQuery: false,
  describesInOneQuery: false,
  rowsOf: null,
  keptCopies: [],
};

/** The advisory lock key serialising appends to the log (any constant; "Tl" in ASCII). */
const LOG_LOCK_KEY = 0x546c;
/** The advisory lock key between a rebuild and batches projected ahead of the log's lock ("Tm"). */
const PROJECTION_LOCK_KEY = 0x546d;

export const postgresDialect: Dialect = {
  backend: "postgresql",
  likeInsensitive: "ILIKE",
  // Facet columns are JSON text (the same model serves SQLite): cast, then walk the path.
  jsonText: (column, path) => `(${column}::jsonb #>> '{${checkedPath(path).join(",")}}')`,
  jsonValues: (type) =>
    type === "integer"
      ? `(SELECT "value"::integer AS "value" FROM json_array_elements_text(?::json) AS "value")`
      : `(SELECT "value" FROM json_array_elements_text(?::json) AS "value")`,
  // The sequence never goes back, even when the transaction rolls back (a gap in the ids only). Its
  // name is looked up once, not per id (per id it was 6 ms for a batch's 700 new nodes; once, 1 ms).
  freshIds: (table) =>
    `WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('"${table}"', 'id')::regclass AS s) SELECT nextval(s.s)::integer AS "id" FROM s, generate_series(1, ?::integer)`,
  // Held until the transaction ends; every server's appends queue on it, so the chain never forks.
  lockLog: `SELECT pg_advisory_xact_lock(${LOG_LOCK_KEY})`,
  lockProjection: {
    shared: `SELECT pg_advisory_xact_lock_shared(${PROJECTION_LOCK_KEY})`,
    exclusive: `SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_KEY})`,
  },
  joinInOrder: "JOIN",
  // Every server is another connection: nothing tells an edit behind Threadline's back from another
  // server's write (the periodic full pass stands in; see lib/server/verification.ts).
  foreignCommitStamp: null,
  tableExists: `SELECT 1 AS "found" FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?`,
  readsInParallel: true,
  edgesIntoByNodes: true,
  pagesNodeByNode: true,
  walksInOneQuery: true,
  describesInOneQuery: true,
  // The table's row type gives every value its column's type (a scratch's temporary table of the
  // same name shadows it, as it does the table). json, not jsonb: parsed once, as it is read, rows in order.
  rowsOf: (table) => `json_populate_recordset(NULL::"${table}", ?::json)`,
  keptCopies: [
    {
      // The columns a view describes a run by (prisma/postgresql/migrations/*_run_brief): a brief
      // edited behind the triggers' back would show a wrong state or time in every view of its run.
      table: "RunBrief",
      firstOutOfStep: `SELECT COALESCE(r."runId", n.key, 'node id ' || b."nodeId") AS "key",
          CASE WHEN b."nodeId" IS NULL THEN 'row missing' WHEN r."nodeId" IS NULL THEN 'row of no run' ELSE 'row differs from its run' END AS "reason"
        FROM "Run" r FULL JOIN "RunBrief" b ON b."nodeId" = r."nodeId" LEFT JOIN "Node" n ON n.id = b."nodeId"
        WHERE r."nodeId" IS NULL OR b."nodeId" IS NULL
           OR (r."jobKey", r."state", r."startedAt", r."endedAt") IS DISTINCT FROM (b."jobKey", b."state", b."startedAt", b."endedAt")
        ORDER BY 1 LIMIT 1`,
    },
  ],
};

/**
 * A LIKE pattern that matches `text` anywhere, its own `%`, `_` and `\` taken literally (use with
 * `ESCAPE '\'`, which both backends accept).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Characters of text numberPlaceholders remembers, its questions and answers together (~2-4 MB):
 * every size of every table a batch inserts into takes under 1 M of it (store/rows.ts).
 */
const NUMBERED_CHARACTERS = 2_000_000;
const numbered = new Map<string, string>();
let numberedCharacters = 0;

/**
 * `?` placeholders numbered `$1…$n` for PostgreSQL. Skips quoted strings and identifiers, so a
 * `?` inside a literal stays a character. Remembers its answers: a batch's multi-row inserts are a
 * few texts of thousands of placeholders each (store/rows.ts), sent again batch after batch.
 */
export function numberPlaceholders(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    out = numberEach(sql);
    numberedCharacters += sql.length + out.length;
    if (numberedCharacters > NUMBERED_CHARACTERS) {
      numbered.clear();
      numberedCharacters = sql.length + out.length;
    }
    numbered.set(sql, out);
  }
  return out;
}

function numberEach(sql: string): string {
  const pieces: string[] = [];
  let n = 0;
  let from = 0;
  let quote = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql.charCodeAt(i);
    if (quote !== 0) {
      if (ch === quote) quote = 0;
    } else if (ch === 0x27 || ch === 0x22) {
      quote = ch;
    } else if (ch === 0x3f) {
      pieces.push(sql.slice(from, i), `$${++n}`);
      from = i + 1;
    }
  }
  pieces.push(sql.slice(from));
  return pieces.join("");
}
