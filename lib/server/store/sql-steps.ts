import "server-only";
import type Database from "better-sqlite3";
import type { Queryable, SqlValue } from "./types";

/**
 * Database work written once as a generator of portable statements (the Store's SQL: `?`
 * placeholders, double-quoted names), run either by a synchronous better-sqlite3 transaction or on
 * any Store. It lets a step of the write path be written against the Store while the transaction
 * around it is still synchronous, with no second copy of its SQL: the generator yields each
 * statement and receives its answer (the first row for `get`, nothing for `run`).
 */
export interface SqlStep {
  op: "get" | "run";
  sql: string;
  params: readonly SqlValue[];
}

export type SqlSteps<T> = Generator<SqlStep, T, unknown>;

/** One statement whose first row (or undefined) the generator receives. */
export function getStep(sql: string, params: readonly SqlValue[]): SqlStep {
  return { op: "get", sql, params };
}

/** One statement without rows. */
export function runStep(sql: string, params: readonly SqlValue[]): SqlStep {
  return { op: "run", sql, params };
}

type Statement = Database.Statement<unknown[], unknown>;
const statementsByDb = new WeakMap<Database.Database, Map<string, Statement>>();

/** Runs the steps on a better-sqlite3 connection, synchronously (inside its caller's transaction). */
export function runStepsSync<T>(db: Database.Database, steps: SqlSteps<T>): T {
  let statements = statementsByDb.get(db);
  if (!statements) statementsByDb.set(db, (statements = new Map()));
  let answer: unknown = undefined;
  for (;;) {
    const next = steps.next(answer);
    if (next.done) return next.value;
    const { op, sql, params } = next.value;
    let statement: Statement | undefined = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    answer = op === "get" ? statement.get(...params) : (statement.run(...params), undefined);
  }
}

/** Runs the steps on a Store (or one of its transactions). */
export async function runSteps<T>(q: Queryable, steps: SqlSteps<T>): Promise<T> {
  let answer: unknown = undefined;
  for (;;) {
    const next = steps.next(answer);
    if (next.done) return next.value;
    const { op, sql, params } = next.value;
    answer = op === "get" ? await q.get(sql, params) : (await q.run(sql, params), undefined);
  }
}
