import "server-only";
import { copyProjectionSchema, openScratchSqlite, type Sqlite } from "./db";
import { AppError } from "./errors";
import { getLogHead } from "./event-log";
import { replayLog } from "./rebuild";

/**
 * The store as it was right after one event: the log up to that event, copied, and its projection
 * replayed into a private scratch database. Every read Threadline has (lineage, node details,
 * investigate, causes, flags, exports, shares) then answers "as of event N" by running unchanged on
 * this handle, so nothing in an as-of view can come from later events: a dataset's latest version,
 * a run's state, flags, failures, synthetic shares, counts and the log head are all those of event N.
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
  store: Sqlite;
}

const caches = new WeakMap<Sqlite, CachedStore[]>();

/** The hash of event `seq`, or a 404 naming the parameter when the log has no such event. */
function hashAt(db: Sqlite, seq: number): string {
  const row = db.prepare<[number], { hash: string }>("SELECT hash FROM Event WHERE seq = ?").get(seq);
  if (!row) throw new AppError("not_found", `There is no event #${seq} in the log.`, [{ path: "asOf", message: "unknown event" }]);
  return row.hash;
}

/**
 * A read-only view of `db` as of event `seq` (see the module comment). `seq` at or beyond the head
 * gives `db` itself; `seq` 0 gives an empty store.
 */
export function storeAsOf(db: Sqlite, seq: number): Sqlite {
  const head = getLogHead(db);
  if (!head || seq >= head.seq) return db;
  const key = `${seq}:${seq === 0 ? "" : hashAt(db, seq)}`;
  const cache = caches.get(db) ?? [];
  caches.set(db, cache);
  const hit = cache.findIndex((c) => c.key === key);
  if (hit >= 0) {
    const [entry] = cache.splice(hit, 1);
    cache.unshift(entry);
    return entry.store;
  }
  const store = buildStoreAsOf(db, seq);
  cache.unshift({ key, store });
  for (const evicted of cache.splice(CACHE_SIZE)) {
    setTimeout(() => evicted.store.close(), CLOSE_DELAY_MS).unref?.();
  }
  return store;
}

/** Copies the schema and events 1..seq of `db` into a scratch database and replays them. */
function buildStoreAsOf(db: Sqlite, seq: number): Sqlite {
  const scratch = openScratchSqlite();
  copyProjectionSchema(db, scratch);
  const columns = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('Event') ORDER BY cid")
    .all()
    .map((c) => `"${c.name}"`);
  const read = db.prepare<[number, number, number], unknown[]>(
    `SELECT ${columns.join(", ")} FROM Event WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  ).raw(true);
  const write = scratch.prepare(`INSERT INTO Event (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  const seqColumn = columns.indexOf('"seq"');
  scratch.transaction(() => {
    for (let after = 0; ; ) {
      const rows = read.all(after, seq, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) write.run(...row);
      after = rows[rows.length - 1][seqColumn] as number;
    }
  })();
  replayLog(scratch, scratch);
  return scratch;
}
