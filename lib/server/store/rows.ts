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
async function inGroups(db: Queryable, rows: readonly (readonly SqlValue[])[], statement: (tuples: string) => string): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${new Array(rows[0].length).fill("?").join(", ")})`;
  let at = 0;
  let size = ROWS_PER_STATEMENT;
  while (at < rows.length) {
    while (size > rows.length - at) size >>= 1;
    const params: SqlValue[] = [];
    for (let i = at; i < at + size; i++) params.push(...rows[i]);
    await db.run(statement(new Array(size).fill(tuple).join(", ")), params);
    at += size;
  }
}

/**
 * Writes `rows` with `INSERT INTO … (columns) VALUES (…), (…) [conflict]`. `into` is
 * `INSERT INTO "Table" (a, b, c)`; every row has one value per column, in that order.
 */
export function insertRows(db: Queryable, into: string, rows: readonly (readonly SqlValue[])[], conflict = ""): Promise<void> {
  return inGroups(db, rows, (tuples) => `${into} VALUES ${tuples} ${conflict}`);
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
