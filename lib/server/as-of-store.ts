import "server-only";
import { openScratchProjection, storeOver, type Sqlite } from "./db";
import { AppError } from "./errors";
import { getLogHead } from "./event-log";
import { replayLog } from "./rebuild";
import type { Queryable } from "./store/types";

/**
 * The store as it was right after one event: the log up to that event, copied, and its projection
 * replayed into a private scratch SQLite database (whichever backend the store lives on: the copy
 * is private to this process, bounded in memory and spills to a temporary file). Every read
 * Threadline has (lineage, node details, investigate, causes, flags, exports, shares) then answers
 * "as of event N" by running unchanged on this handle, so nothing in an as-of view can come from
 * later events: a dataset's latest version, a run's state, flags, failures, synthetic shares,
 * counts and the log head are all those of event N.
 *
 * Cost: one copy and replay of N events the first time a point is asked for (about 2 ms per 100
 * events here), then a cache hit. The cache holds the few most recent points per store; a point is
 * keyed by its seq and the chain hash there, so a store restored behind our back is never answered
 * from an old copy. A point at or after the head is the store itself.
 */

const CACHE_SIZE = 4;
/** An evicted copy is closed this much later, so a read that still holds it can finish. */
const CLOSE_DELAY_MS = 60_000;
const PAGE = 2_000;

interface CachedStore {
  key: string;
  copy: Promise<Sqlite>;
}

const caches = new WeakMap<Queryable, CachedStore[]>();

/** The hash of event `seq`, or a 404 naming the parameter when the log has no such event. */
export async function hashAt(store: Queryable, seq: number): Promise<string> {
  const row = await store.get<{ hash: string }>(`SELECT "hash" FROM "Event" WHERE "seq" = ?`, [seq]);
  if (!row) throw new AppError("not_found", `There is no event #${seq} in the log.`, [{ path: "asOf", message: "unknown event" }]);
  return row.hash;
}

/**
 * A read-only view of `store` as of event `seq` (see the module comment). `seq` at or beyond the
 * head gives `store` itself; `seq` 0 gives an empty store.
 */
export async function storeAsOf(store: Queryable, seq: number): Promise<Queryable> {
  const head = await getLogHead(store);
  if (!head || seq >= head.seq) return store;
  const key = `${seq}:${seq === 0 ? "" : await hashAt(store, seq)}`;
  const cache = caches.get(store) ?? [];
  caches.set(store, cache);
  const hit = cache.findIndex((c) => c.key === key);
  if (hit >= 0) {
    const [entry] = cache.splice(hit, 1);
    cache.unshift(entry);
    return storeOver(await entry.copy);
  }
  // Cached as a promise, so requests for the same point while it is being built share one build.
  const copy = buildStoreAsOf(store, seq);
  const entry = { key, copy };
  cache.unshift(entry);
  copy.catch(() => {
    const at = cache.indexOf(entry);
    if (at >= 0) cache.splice(at, 1);
  });
  for (const evicted of cache.splice(CACHE_SIZE)) {
    setTimeout(() => void evicted.copy.then((db) => db.close(), () => undefined), CLOSE_DELAY_MS).unref?.();
  }
  return storeOver(await copy);
}

/** Copies events 1..seq of `store` into a scratch database with the projection's schema and replays them. */
async function buildStoreAsOf(store: Queryable, seq: number): Promise<Sqlite> {
  const scratch = openScratchProjection();
  try {
    const insert = new Map<string, ReturnType<Sqlite["prepare"]>>();
    scratch.exec("BEGIN");
    for (let after = 0; ; ) {
      const rows = await store.all<Record<string, string | number | null>>(
        `SELECT * FROM "Event" WHERE "seq" > ? AND "seq" <= ? ORDER BY "seq" LIMIT ${PAGE}`,
        [after, seq],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const columns = Object.keys(row);
        const sql = `INSERT INTO "Event" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
        let statement = insert.get(sql);
        if (!statement) insert.set(sql, (statement = scratch.prepare(sql)));
        statement.run(columns.map((c) => row[c]));
      }
      after = rows[rows.length - 1]["seq"] as number;
    }
    scratch.exec("COMMIT");
    await replayLog(storeOver(scratch));
    return scratch;
  } catch (error) {
    scratch.close();
    throw error;
  }
}
