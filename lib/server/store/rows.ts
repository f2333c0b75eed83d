import "server-only";
import type { Queryable, SqlValue } from "./types";

/**
 * Rows per multi-row `VALUES` statement (SQLite). A row written alone costs a statement (a VM run),
 * so buffered rows go out together. 256 rows of the widest buffered table stay far below SQLite's
 * limit on placeholders (32,766).
 */
const ROWS_PER_STATEMENT = 256;

/**
 * Runs `statement(tuples)` over `rows`, ROWS_PER_STATEMENT at a time and the rest in power-of-two
 * groups, so one table never needs more than nine statement texts (each prepared once per
 * connection on SQLite). `tuples` is the rows' placeholders, `(?, ?), (?, ?)`. Rows go in order.
 */
async function inGroups(db: Queryable, rows: readonly (readonly SqlValue[])[], statement: (tuples: string) => string, placeholder = "?"): Promise<void> {
  await inGroupsReturning(db, rows, statement, placeholder, false);
}

/** inGroups, gathering the rows each statement returns (its `RETURNING`) when `isReturning`. */
async function inGroupsReturning<T>(db: Queryable, rows: readonly (readonly SqlValue[])[], statement: (tuples: string) => string, placeholder: string, isReturning: boolean): Promise<T[]> {
  if (rows.length === 0) return [];
  const sent: Promise<T[]>[] = [];
  for (const [at, size] of rowGroups(rows.length)) {
    const params: SqlValue[] = [];
    for (let i = at; i < at + size; i++) params.push(...rows[i]);
    sent.push(send<T>(db, statement(tuples(size, rows[0].length, placeholder)), params, isReturning));
  }
  return (await allSettled(sent)).flat();
}

/**
 * The answers of statements sent together, once every one of them has settled; the first failure
 * thrown then. Never earlier: a transaction that ended at the first failure while statements of it
 * were still to be sent (a caller's later step) would send them outside it.
 */
export async function allSettled<T>(sent: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * Sends one statement and answers its rows (none unless `isReturning`). The callers here send all
 * of a call's statements before awaiting any, so they go out in the order called: on PostgreSQL's
 * pipelined connections they are on the wire together, and a caller that sends several tables'
 * rows before awaiting them all (flushProjection) keeps the database busy while its own code runs.
 */
async function send<T>(db: Queryable, sql: string, params: readonly SqlValue[], isReturning: boolean): Promise<T[]> {
  if (isReturning) return db.all<T>(sql, params);
  await db.run(sql, params);
  return [];
}

/** Rows per statement where a dialect takes a table's rows as one JSON parameter (Dialect.rowsOf). */
const ROWS_PER_JSON_STATEMENT = 5_000;

/**
 * Runs `statement(source)` over `rows` as JSON text, ROWS_PER_JSON_STATEMENT at a time: `source` is
 * the dialect's rows of `table` bound to one `?` (Dialect.rowsOf), and each row goes in as an object
 * of `columns`, its values in that order, typed as the table's columns (updateFrom's rows, which a
 * `VALUES` list would leave untyped). One text a statement whatever the number of rows, so it is
 * prepared once per connection.
 */
async function inJson(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  statement: (source: string) => string,
): Promise<void> {
  if (rows.length === 0) return;
  const sql = statement(db.dialect.rowsOf!(table));
  const sent: Promise<unknown>[] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_JSON_STATEMENT) {
    sent.push(send(db, sql, [jsonRows(columns, rows, at, Math.min(rows.length, at + ROWS_PER_JSON_STATEMENT))], false));
  }
  await allSettled(sent);
}

/**
 * rows[from, to) as a JSON array of objects keyed by `columns` (a bigint as its digits, undefined as
 * null). The objects are built and handed to one native JSON.stringify: a batch's log rows so cost
 * ~5 µs an event instead of ~17 when each value was stringified and the text concatenated here.
 */
export function jsonRows(columns: readonly string[], rows: readonly (readonly SqlValue[])[], from = 0, to = rows.length): string {
  const objects: Record<string, SqlValue>[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    // Keys added in the same order for every row: one hidden class, which JSON.stringify walks fast.
    const object: Record<string, SqlValue> = {};
    for (let j = 0; j < columns.length; j++) {
      const value = row[j];
      object[columns[j]!] = value === undefined ? null : typeof value === "bigint" ? String(value) : value;
    }
    objects[i - from] = object;
  }
  return JSON.stringify(objects);
}

/** `count` rows split as inGroups writes them: [first row, rows] of each statement, in order. */
export function* rowGroups(count: number): Generator<[at: number, size: number]> {
  let at = 0;
  let size = ROWS_PER_STATEMENT;
  while (at < count) {
    while (size > count - at) size >>= 1;
    yield [at, size];
    at += size;
  }
}

/** The placeholders of `rows` rows of `columns` values: `(?, ?), (?, ?)`. */
export function tuples(rows: number, columns: number, placeholder = "?"): string {
  const tuple = `(${new Array(columns).fill(placeholder).join(", ")})`;
  return new Array(rows).fill(tuple).join(", ");
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

/**
 * insertRows and insertRowsReturning: `tail` is the conflict clause and any `RETURNING`. Multi-row
 * `VALUES` with a parameter per value on both backends: an `INSERT`'s target columns type its
 * parameters. On PostgreSQL this is cheaper on both sides than a table's rows as one JSON parameter
 * (Dialect.rowsOf, still read by updateFrom, whose `FROM` rows nothing types): a text parameter is
 * sent as it is, where JSON escapes every quote of a payload or facets here and PostgreSQL lexes
 * it again; a batch's 1,000 log rows cost 17.5 -> 2.1 ms of this process's CPU and 46 -> 33.5 ms of
 * PostgreSQL's. The statements of a table go out together (pipelined, one round trip), each text
 * short enough to be prepared (StatementNames).
 */
function insertMany<T>(db: Queryable, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], tail: string, isReturning: boolean): Promise<T[]> {
  const into = `INSERT INTO "${table}" (${quoted(columns)})`;
  return inGroupsReturning<T>(db, rows, (tuples) => `${into} VALUES ${tuples} ${tail}`, "?", isReturning);
}

/**
 * Writes `rows` into `table`'s `columns` (every row one value per column, in that order), then
 * `conflict` (an `ON CONFLICT …` clause or nothing), as multi-row `INSERT … VALUES`.
 */
export async function insertRows(db: Queryable, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], conflict = ""): Promise<void> {
  await insertMany(db, table, columns, rows, conflict, false);
}

/**
 * insertRows for a statement whose `conflict` clause ends in `RETURNING …`: the rows it returns,
 * which are the rows it inserted (both backends return none for a row `ON CONFLICT DO NOTHING` skipped).
 */
export function insertRowsReturning<T>(db: Queryable, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], conflictAndReturning: string): Promise<T[]> {
  return insertMany<T>(db, table, columns, rows, conflictAndReturning, true);
}

/**
 * Adds to integer columns of existing rows, many rows to a statement: each row is its integer key
 * followed by one amount per column of `columns` (typed in the VALUES, which PostgreSQL would
 * otherwise read as text; from the dialect's JSON rows, Dialect.rowsOf, typed as the columns).
 */
export function addToRows(db: Queryable, table: string, key: string, columns: readonly string[], rows: readonly (readonly number[])[]): Promise<void> {
  return updateFrom(db, table, key, columns, rows, (column, value) => `"${table}"."${column}" + ${value}`, "CAST(? AS INTEGER)");
}

/**
 * Sets columns of existing rows, many rows to a statement: each row is its key followed by one
 * value per column of `columns` (`UPDATE … FROM (VALUES …)`, which both backends read; the values'
 * columns are column1, column2, … on both; or FROM the dialect's JSON rows, Dialect.rowsOf).
 */
export function updateRows(db: Queryable, table: string, key: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  return updateFrom(db, table, key, columns, rows, (_column, value) => value, "?");
}

/**
 * updateRows where a row's null leaves the stored value as it is (`COALESCE`): rows that set
 * different columns of one table share one statement, and a row two of them would set is written once.
 */
export function updateRowsKeepingNulls(db: Queryable, table: string, key: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  return updateFrom(db, table, key, columns, rows, (column, value) => `COALESCE(${value}, "${table}"."${column}")`, "?");
}

/**
 * addToRows and updateRows: `UPDATE table SET column = assign(column, its value in the row) FROM`
 * the rows, matched on `key`; `placeholder` is a VALUES row's placeholder on SQLite.
 */
async function updateFrom(
  db: Queryable,
  table: string,
  key: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  assign: (column: string, value: string) => string,
  placeholder: string,
): Promise<void> {
  if (db.dialect.rowsOf) {
    const set = columns.map((c) => `"${c}" = ${assign(c, `v."${c}"`)}`).join(", ");
    await inJson(db, table, [key, ...columns], rows, (source) => `UPDATE "${table}" SET ${set} FROM ${source} AS v WHERE "${table}"."${key}" = v."${key}"`);
    return;
  }
  const set = columns.map((c, i) => `"${c}" = ${assign(c, `v.column${i + 2}`)}`).join(", ");
  // `+v.column1`: no index on the VALUES' keys for SQLite to build. Without it, from 256 rows a
  // statement (a store without ANALYZE's statistics guesses every table small) SQLite scans the
  // whole table against an automatic index of the values instead of looking each row up by key:
  // every row of the table read once per batch, 3 ms an event at 3M edges (Node's edge counts).
  await inGroups(db, rows, (tuples) => `UPDATE "${table}" SET ${set} FROM (VALUES ${tuples}) AS v WHERE "${table}"."${key}" = +v.column1`, placeholder);
}

/**
 * Ids for new rows of a table with an integer `id`, drawn from the database ahead of the rows
 * (Dialect.freshIds: PostgreSQL a block of its sequence, SQLite the ids after the largest, under
 * the write lock), so the rows can wait for a multi-row insert at the end of a batch. Valid inside
 * the write transaction that draws them.
 */
export class IdBlock {
  private free: number[] = [];
  private nextFree = 0;
  private last = 0;

  constructor(private readonly table: string) {}

  /** Draws `count` ids in one statement. */
  async reserve(db: Queryable, count: number): Promise<void> {
    if (count <= 0) return;
    const rows = await db.all<{ id: number }>(db.dialect.freshIds(this.table), [count]);
    const free = this.free.slice(this.nextFree);
    // SQLite numbers on from the largest stored id, which the rows still waiting are not part of yet.
    for (const row of rows) free.push((this.last = Math.max(Number(row.id), this.last + 1)));
    this.free = free;
    this.nextFree = 0;
  }

  /** An id for a new row, without inserting it. */
  async next(db: Queryable): Promise<number> {
    if (this.nextFree >= this.free.length) await this.reserve(db, 16);
    return this.free[this.nextFree++]!;
  }
}
