import "server-only";
import { getConfig, type Config } from "@/lib/config";
import { GroupCommitter, type Arrival } from "./group-commit";
import { ingestPrepared, prepareEvent, type IngestOutcome, type PreparedEvent } from "./ingest";
import type { Store } from "./store/types";

/**
 * The door for writes of one event (POST /api/v1/lineage, adding and removing a flag): concurrent
 * ones share one `ingestEvents` call, and so one transaction, through a group commit
 * (lib/server/group-commit.ts). Each event keeps everything `ingestEvents` gives it alone: it is
 * validated, put in canonical form and hashed in its own request's turn, before it joins a group,
 * so an invalid one is answered with its errors at once and never costs or delays a group; a retry
 * is recognised as a duplicate even when its original is in the same group, and the log records
 * its own sender. A valid event's outcome arrives only once the group's transaction committed.
 *
 * Each server groups its own requests; on a shared PostgreSQL database the log's advisory lock
 * still serialises the groups of all servers.
 */

interface PendingEvent {
  prepared: PreparedEvent;
  sender: string;
}

export interface IngestEventOptions {
  /** Who sent the event (see IngestOptions.sender). */
  sender: string;
  /** The request body's size, counted against the group's byte bound; measured when not given. */
  bytes?: number;
  /** The event's announcement (`announceEvent`), when its request announced it. */
  arrival?: Arrival;
}

/** The key of the last committer's statistics on globalThis. */
const GROUP_COMMIT_STATS = Symbol.for("threadline.groupCommitStats");

// One committer per store: the store is the unit transactions are serialised on.
const committers = new WeakMap<Store, GroupCommitter<PendingEvent, IngestOutcome>>();

function committerFor(store: Store, config: Config = getConfig()): GroupCommitter<PendingEvent, IngestOutcome> {
  let committer = committers.get(store);
  if (committer === undefined) {
    committer = new GroupCommitter<PendingEvent, IngestOutcome>(
      (events) => ingestPrepared(store, events.map((e) => e.prepared), { sender: events.map((e) => e.sender) }),
      {
        windowMs: config.THREADLINE_GROUP_COMMIT_MS,
        maxItems: config.THREADLINE_GROUP_COMMIT_MAX_EVENTS,
        maxBytes: config.THREADLINE_GROUP_COMMIT_MAX_BYTES,
      },
    );
    committers.set(store, committer);
    // Where a server's inspector finds them (scripts/bench/profile-post.ts): no route exposes them.
    (globalThis as Record<symbol, unknown>)[GROUP_COMMIT_STATS] = committer.stats;
  }
  return committer;
}

/**
 * Announces an event whose request has begun (before its body is read and checked), so that a group
 * open meanwhile waits for it (up to the window) rather than committing without it. Pass it to
 * `ingestEvent`, and withdraw it when the request fails first: a group never waits for a request
 * that is not coming, and with no request on its way a lone event commits at once.
 */
export function announceEvent(store: Store): Arrival {
  return committerFor(store).announce();
}

/** Ingests one event in a group commit with whatever other events arrive at the same time. */
export async function ingestEvent(store: Store, input: unknown, options: IngestEventOptions): Promise<IngestOutcome> {
  const result = prepareEvent(input);
  if (!result.ok) {
    options.arrival?.withdraw();
    return { index: 0, status: "rejected", errors: result.errors };
  }
  const bytes = options.bytes ?? Buffer.byteLength(result.prepared.canonical);
  const outcome = await committerFor(store).submit({ prepared: result.prepared, sender: options.sender }, bytes, options.arrival);
  // The group's index means nothing to the caller: this is its only event.
  return { ...outcome, index: 0 };
}

/** The group commit statistics of a store's committer (none before its first event). */
export function groupCommitStats(store: Store) {
  return committers.get(store)?.stats;
}
