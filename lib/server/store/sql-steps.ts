import "server-only";
import type { Queryable, SqlValue } from "./types";

/**
 * Database work written once as a generator of portable statements (the Store's SQL: `?`
 * placeholders, double-quoted names), run on any Store or one of its transactions by `runSteps`:
 * the generator yields each statement and receives its answer (the first row for `get`, nothing
 * for `run`), so the projections' steps read as plain sequential code.
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
