import "server-only";
import type { Backend } from "@/lib/config";

/**
 * The store: the one handle every converted service takes to reach the database, whatever the
 * backend. Only app/ and scripts/ obtain one (getStore in lib/server/db.ts, or openStore).
 *
 * The API is asynchronous because node-postgres is; on SQLite every call runs synchronously in
 * better-sqlite3 and returns an already-settled promise. That keeps one API and one code path for
 * both backends, and it gives SQLite a useful property: a transaction whose body awaits nothing but
 * store calls runs to its end before any other request's code gets a turn, as the synchronous
 * write path always did.
 *
 * SQL is written once, portably: `?` placeholders (numbered `$n` for PostgreSQL in one place),
 * double-quoted table and column names (the tables were created by Prisma with their case, and
 * `User` is a reserved word in PostgreSQL), `RETURNING` for generated ids, `ON CONFLICT` instead
 * of `INSERT OR IGNORE`. What cannot be written once is asked of `dialect`.
 */

/**
 * The largest value an Int column holds on every backend (PostgreSQL's integer): the bound for
 * "no limit" on a sequence number, which PostgreSQL would refuse as out of range if larger.
 */
export const MAX_SEQ = 2_147_483_647;

/** What a placeholder may carry. Booleans are not portable (better-sqlite3 refuses them): use 0/1. */
export type SqlValue = string | number | bigint | null;

export interface Queryable {
  readonly dialect: Dialect;
  /** Every row. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * Every row as an array of its values, in the order the statement selects them: for the reads
   * of thousands of rows (a big answer's walk and description), where the driver's object a row,
   * a field set by name for each column, cost more than the rows' use (node-postgres's
   * `rowMode: "array"`, better-sqlite3's `raw()`). Values are as `all` gives them.
   */
  values<T extends readonly unknown[]>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement without rows to return; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/** A Queryable that can also stream the rows of a query, a page at a time. */
export interface Streaming extends Queryable {
  /** The rows of `sql`, fetched in pages (the query runs once; memory stays flat however many rows). */
  iterate<T>(sql: string, params?: readonly SqlValue[]): AsyncGenerator<T, void, undefined>;
}

/**
 * One consistent state of the store, held until the callback of `Store.snapshot` settles: every
 * read sees the same log and projection however much other connections write meanwhile.
 */
export interface Snapshot extends Streaming {
  /**
   * Empty private copies of the projection tables for a replay to write into (the log stays the
   * store's), gone when closed: verification replays the log there and compares.
   */
  openScratch(): Promise<Scratch>;
}

/**
 * Private projection tables (see Snapshot.openScratch), written in one transaction from open to
 * close: nothing in them is meant to last.
 */
export interface Scratch extends Streaming {
  close(): Promise<void>;
}

export interface Store extends Queryable {
  readonly backend: Backend;
  /**
   * Runs `work` in one transaction, committing when it settles and rolling back when it throws.
   * SQLite: BEGIN IMMEDIATE (the write lock from the start) on the store's one connection, one
   * transaction at a time per store; `work` must await store calls only, or another request's
   * statements could run inside it. PostgreSQL: a pooled connection of its own at READ COMMITTED,
   * so transactions run side by side and the database isolates them.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `read` on one consistent state of the store (see Snapshot). SQLite: a read transaction on
   * a private read-only connection; PostgreSQL: a REPEATABLE READ transaction on a pooled connection.
   */
  snapshot<T>(read: (snapshot: Snapshot) => Promise<T>): Promise<T>;
  /**
   * Runs a bulk import (the ingest CLI, store:copy, the benchmark's stores): many transactions
   * back to back from this process. SQLite: the WAL is checkpointed once at the end instead of
   * after nearly every commit (a batch of 1,000 events commits a few thousand pages, past the
   * default threshold of 1,000, and the checkpoint copying them into the database file cost as
   * much as the rest of the commit); the hot index pages consecutive batches rewrite are then
   * copied once. PostgreSQL: runs `work` as it is (its checkpoints are the server's business),
   * then `ANALYZE`, so the planner knows the imported rows before autovacuum would get to them.
   */
  bulkImport<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The differences between the backends' SQL, one member per concern, so services never test
 * which backend they run on.
 */
export interface Dialect {
  readonly backend: Backend;
  /** The operator for a case-insensitive LIKE with `\` as its escape character. */
  readonly likeInsensitive: string;
  /** The text at `path` inside a JSON text column (null when absent), e.g. jsonText(`j."facets"`, ["jobType", "integration"]). */
  jsonText(column: string, path: readonly string[]): string;
  /**
   * A subquery of one column, "value", holding the elements of a JSON array bound to its one `?`
   * (a set of ids or keys passed as one parameter), e.g. `"id" IN ${jsonValues("integer")}`.
   */
  jsonValues(type: "integer" | "text"): string;
  /**
   * A query for new ids of `table`'s generated integer "id" column, as rows of one column "id",
   * `?` of them, in increasing order: for rows the caller inserts later in the same append
   * transaction (after `lockLog`), many to a statement, with those ids written explicitly.
   * PostgreSQL draws them from the column's sequence; SQLite answers the ids after the table's
   * largest, so a caller asking twice before inserting numbers on past the ids it already holds.
   */
  freshIds(table: string): string;
  /**
   * A statement that makes the rest of an append transaction the only one appending to the log,
   * across every server on the database, or null when the transaction holds that lock already
   * (SQLite's BEGIN IMMEDIATE takes the database's one write lock).
   */
  readonly lockLog: string | null;
  /**
   * The lock a transaction holds while it projects ahead of the log's (`shared`, taken before it
   * reads anything) and the one a rebuild takes before the log's (`exclusive`): a rebuild rewrites
   * the projection without moving the log's head, so the head alone would not tell a batch projected
   * ahead that the rows it read are gone. Null where nothing projects ahead of the lock (SQLite,
   * where the transaction holds the database's one write lock from its start).
   */
  readonly lockProjection: { shared: string; exclusive: string } | null;
  /**
   * The join that keeps the tables in the order written (SQLite: CROSS JOIN, which its planner
   * never reorders, so a walk follows the index the query was written for; PostgreSQL plans joins
   * well and knows no CROSS JOIN with ON).
   */
  readonly joinInOrder: string;
  /**
   * A statement whose one value, `stamp`, moves when anything but this store's own connection
   * commits to the database, so verification notices an edit behind Threadline's back although the
   * log head did not move (SQLite's data_version); null where no such stamp exists (PostgreSQL,
   * where every other server is another connection).
   */
  readonly foreignCommitStamp: string | null;
  /** A statement answering a row when the table named by its one `?` exists (the server's start-up check). */
  readonly tableExists: string;
  /**
   * Whether independent queries sent at once run side by side (PostgreSQL: a pool of connections),
   * so a read gains by sending them together; SQLite answers one after another on its one
   * connection, where a speculative query only costs time.
   */
  readonly readsInParallel: boolean;
  /**
   * Whether the walk reads "a frontier's edges into a set of nodes" from the nodes' side of the
   * Edge indexes (PostgreSQL, whose planner cannot know that a frontier holds a hub) or from the
   * frontier's, testing each edge against the nodes (SQLite, where that is measured faster than
   * probing every pair).
   */
  readonly edgesIntoByNodes: boolean;
  /**
   * Whether the walk reads a frontier's next page of edges node by node (PostgreSQL: `LATERAL`, at
   * most a page from each node's index, whose planner would otherwise read and sort every edge of
   * a hub in the frontier for each page) or as one ordered scan (SQLite).
   */
  readonly pagesNodeByNode: boolean;
  /**
   * Whether a walk reads its first hops in one recursive query and walks them in memory
   * (PostgreSQL, where each hop read on its own is a round trip in sequence) or reads hop by hop
   * (SQLite, where a query is a function call and the hop-by-hop reads stop at the budget).
   */
  readonly walksInOneQuery: boolean;
  /**
   * Whether the nodes of an answer are described in one statement, `LATERAL` per node
   * (PostgreSQL: one round trip instead of three in sequence), or per node type (SQLite, which has
   * no LATERAL and no round trips).
   */
  readonly describesInOneQuery: boolean;
  /**
   * A row source for `table`'s rows bound to its one `?` as a JSON array of objects keyed by column
   * name, each value read as the table's own column type, e.g. `UPDATE "Node" SET … FROM
   * ${rowsOf("Node")} AS v WHERE …`: the many-rows updates of store/rows.ts, whose rows a `VALUES`
   * list would leave untyped on PostgreSQL; null where they go out as `VALUES` (SQLite, which
   * converts by the column's affinity). Inserts go out as `VALUES` on both (store/rows.ts, insertMany).
   */
  readonly rowsOf: ((table: string) => string) | null;
  /**
   * Copies of projection columns that the database keeps in step by triggers, each with a
   * statement for its first row out of step with its source (`key`, `reason`; none when in step):
   * a replay does not write them, so verification compares them with their source instead
   * (PostgreSQL's RunBrief; none on SQLite).
   */
  readonly keptCopies: readonly { table: string; firstOutOfStep: string }[];
}
