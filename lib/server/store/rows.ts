import "server-only";
import type { Queryable, SqlValue } from "./types";

/**
 * Rows per multi-row statement. A row written alone costs a statement (SQLite: a VM run; PostgreSQL:
 * a round trip, which is what a batch mostly waits on), so buffered rows go out together. 256 rows
 * of the widest buffered table stay far below both backends' limit on placeholders (SQLite 32,766,
 * PostgreSQL 65,535).
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
  const returned: T[] = [];
  if (rows.length === 0) return returned;
  for (const [at, size] of rowGroups(rows.length)) {
    const params: SqlValue[] = [];
    for (let i = at; i < at + size; i++) params.push(...rows[i]);
    const sql = statement(tuples(size, rows[0].length, placeholder));
    if (isReturning) returned.push(...(await db.all<T>(sql, params)));
    else await db.run(sql, params);
  }
  return returned;
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

/**
 * Writes `rows` with `INSERT INTO … (columns) VALUES (…), (…) [conflict]`. `into` is
 * `INSERT INTO "Table" (a, b, c)`; every row has one value per column, in that order.
 */
export function insertRows(db: Queryable, into: string, rows: readonly (readonly SqlValue[])[], conflict = ""): Promise<void> {
  return inGroups(db, rows, (tuples) => `${into} VALUES ${tuples} ${conflict}`);
}

/**
 * insertRows for a statement whose `conflict` clause ends in `RETURNING …`: the rows it returns,
 * which are the rows it inserted (both backends return none for a row `ON CONFLICT DO NOTHING` skipped).
 */
export function insertRowsReturning<T>(db: Queryable, into: string, rows: readonly (readonly SqlValue[])[], conflictAndReturning: string): Promise<T[]> {
  return inGroupsReturning<T>(db, rows, (tuples) => `${into} VALUES ${tuples} ${conflictAndReturning}`, "?", true);
}

/**
 * Adds to integer columns of existing rows, many rows to a statement: each row is its integer key
 * followed by one amount per column of `columns` (typed in the VALUES, which PostgreSQL would
 * otherwise read as text).
 */
export function addToRows(db: Queryable, table: string, key: string, columns: readonly string[], rows: readonly (readonly number[])[]): Promise<void> {
  const set = columns.map((c, i) => `"${c}" = "${c}" + v.column${i + 2}`).join(", ");
  return inGroups(db, rows, (tuples) => `UPDATE "${table}" SET ${set} FROM (VALUES ${tuples}) AS v WHERE "${table}"."${key}" = v.column1`, "CAST(? AS INTEGER)");
}

/**
 * Sets text columns of existing rows, many rows to a statement: each row is its key followed by one
 * value per column of `columns` (`UPDATE … FROM (VALUES …)`, which both backends read; the values'
 * columns are column1, column2, … on both).
 */
export function updateRows(db: Queryable, table: string, key: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  const set = columns.map((c, i) => `"${c}" = v.column${i + 2}`).join(", ");
  return inGroups(db, rows, (tuples) => `UPDATE "${table}" SET ${set} FROM (VALUES ${tuples}) AS v WHERE "${table}"."${key}" = v.column1`);
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
