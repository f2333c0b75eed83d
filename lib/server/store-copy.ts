import "server-only";
import { AppError } from "./errors";
import { getLogHead, LOG_COLUMNS, verifyChain, type ChainVerification, type LogHead } from "./event-log";
import { flushProjection, prefetchProjection, ProjectionCache, projectEvent, type ProjectableEvent } from "./projection";
import { allSettled, insertRows } from "./store/rows";
import type { SqlValue, Store } from "./store/types";
import type { EventKind } from "@/lib/schemas/openlineage";

/**
 * Moves a store to another backend or database (npm run store:copy): the event log copied record
 * for record (sequence numbers, hashes, times and senders as they are, so the heads are equal) and
 * projected again on the target as it goes, in transactions of one page each. The target must be
 * empty: a copy never merges two logs. The source's chain is checked first, so a broken log is
 * never carried over; the target's chain after.
 *
 * Only the log and its projection move: users, sessions, API keys and shares belong to a
 * deployment, not to the lineage, and are set up again on the target.
 */

const PAGE = 1_000;

export interface CopyResult {
  events: number;
  sourceHead: LogHead | null;
  targetHead: LogHead | null;
  chain: ChainVerification;
}

/** Copies the log of `source` into the empty store `target`; `onProgress(copied, total)` after each page. */
export async function copyStore(source: Store, target: Store, onProgress?: (copied: number, total: number) => void): Promise<CopyResult> {
  const held = await target.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "Event"`);
  if ((held?.n ?? 0) > 0) {
    throw new AppError("conflict", `The target store holds ${held!.n} events already; store:copy fills an empty store only (create a new database).`);
  }
  const sourceChain = await verifyChain(source);
  if (!sourceChain.ok) {
    throw new AppError("conflict", `The source's hash chain is broken at event #${sourceChain.firstBroken?.seq} (${sourceChain.firstBroken?.reason}); nothing was copied.`);
  }
  const total = sourceChain.checked;
  const columns = LOG_COLUMNS.map((c) => `"${c}"`).join(", ");
  const last = sourceChain.head?.seq ?? 0;
  let copied = 0;
  let after = 0;
  await target.bulkImport(async () => {
    for (;;) {
      // Up to the head checked above: events the source takes meanwhile are not part of this copy.
      const rows = await source.all<Record<(typeof LOG_COLUMNS)[number], SqlValue>>(
        `SELECT ${columns} FROM "Event" WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${PAGE}`,
        [after, last],
      );
      if (rows.length === 0) break;
      await target.transaction(async (tx) => {
        if (tx.dialect.lockLog) await tx.run(tx.dialect.lockLog);
        const cache = new ProjectionCache();
        const events = rows.map((row) => JSON.parse(String(row.payload)) as ProjectableEvent);
        await prefetchProjection(tx, cache, events);
        for (const [i, row] of rows.entries()) await projectEvent(tx, Number(row.seq), row.kind as EventKind, events[i], cache);
        // The page's log rows many to a statement, as ingest appends them (appendEntries), sent
        // while the projection's first statement executes.
        const flushed = flushProjection(tx, cache);
        await allSettled([insertRows(tx, "Event", LOG_COLUMNS, rows.map((row) => LOG_COLUMNS.map((c) => row[c]))), flushed]);
      });
      copied += rows.length;
      after = Number(rows[rows.length - 1].seq);
      onProgress?.(copied, total);
    }
  });
  return { events: copied, sourceHead: sourceChain.head, targetHead: await getLogHead(target), chain: await verifyChain(target) };
}
