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
 * Writes `rows` with `INSERT INTO … (columns) VALUES (…), (…) [conflict]`, ROWS_PER_STATEMENT at a
 * time and the rest in power-of-two groups, so one table never needs more than nine statement texts
 * (each prepared once per connection on SQLite). `into` is `INSERT INTO "Table" (a, b, c)`; every row
 * has one value per column, in that order. Rows go in in the order given.
 */
export async function insertRows(db: Queryable, into: string, rows: readonly (readonly SqlValue[])[], conflict = ""): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  const tuple = `(${new Array(width).fill("?").join(", ")})`;
  let at = 0;
  let size = ROWS_PER_STATEMENT;
  while (at < rows.length) {
    while (size > rows.length - at) size >>= 1;
    const params: SqlValue[] = [];
    for (let i = at; i < at + size; i++) params.push(...rows[i]);
    await db.run(`${into} VALUES ${new Array(size).fill(tuple).join(", ")} ${conflict}`, params);
    at += size;
  }
}
