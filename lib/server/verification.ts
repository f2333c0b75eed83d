import "server-only";
import { GENESIS_HASH, getLogHead, verifyChainSteps, type LogHead } from "./event-log";
import { verifyProjectionSteps } from "./rebuild";
import { finish, runInSlices, type AsyncSteps } from "./steps";
import { getSigner, signStatement, type Signer } from "./signing";
import type { Queryable, Store } from "./store/types";
import type { AuditVerification, HeadStatement, SignedStatement } from "@/lib/schemas/audit";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";

/**
 * The verification of the store: the hash chain recomputed, and (unless asked not to) the log
 * replayed into scratch tables and compared with the stored projection. The same on both backends;
 * what several servers on one PostgreSQL database share is in the notes of verifyStoreInSlices.
 */

/** The signed (when a key is configured) statement of the log head: GET /api/v1/audit/head. */
export async function getSignedHead(
  db: Queryable,
  signer: Signer | null = getSigner(),
  head?: LogHead | null,
): Promise<SignedStatement<HeadStatement>> {
  return signStatement<HeadStatement>(
    { type: "threadline/log-head", version: 1, head: head === undefined ? await getLogHead(db) : head, signedAt: new Date().toISOString(), keyId: signer?.keyId ?? null },
    signer,
  );
}

type VerificationResult = Omit<AuditVerification, "signedHead">;

export interface VerifyOptions {
  /** Also replay the log and compare the projection (default true). */
  projection?: boolean;
  signer?: Signer | null;
  /** Accept a full check this old when other connections wrote since (see verifyStore). */
  maxAgeMs?: number;
}

/**
 * What the cache compares to tell whether the store changed: the dialect's commit stamp (SQLite:
 * moves when another connection commits; PostgreSQL: moves with every commit, this server's
 * included) and the log head (moves with every append).
 */
interface Stamp {
  commits: string;
  head: LogHead | null;
  at: number;
}

interface CacheEntry {
  stamp: Stamp;
  result: VerificationResult;
  /** Commit stamp and time of the last full check. */
  fullCommits: string;
  fullAt: number;
}
const verificationCache = new WeakMap<Store, Map<boolean, CacheEntry>>();

async function stampOf(store: Store): Promise<Stamp> {
  const commits = await store.get<{ stamp: string | number }>(store.dialect.commitStamp);
  return { commits: String(commits?.stamp ?? ""), head: await getLogHead(store), at: Date.now() };
}

/** What a verification request needs: the cached answer, the chain links appended since, or everything. */
type Plan = { kind: "cached"; result: VerificationResult } | { kind: "extend"; from: VerificationResult } | { kind: "full" };

function planVerification(store: Store, withProjection: boolean, stamp: Stamp, maxAgeMs: number): Plan {
  const cached = verificationCache.get(store)?.get(withProjection);
  if (!cached || (cached.fullCommits !== stamp.commits && stamp.at - cached.fullAt > maxAgeMs)) return { kind: "full" };
  const isUnchanged = cached.stamp.commits === stamp.commits && cached.result.head?.seq === stamp.head?.seq && cached.result.head?.hash === stamp.head?.hash;
  if (isUnchanged) return { kind: "cached", result: cached.result };
  return cached.result.ok ? { kind: "extend", from: cached.result } : { kind: "full" };
}

/** Carries out a plan, reading the log and projection from `source`. */
async function* verificationSteps(
  source: Parameters<typeof verifyProjectionSteps>[0],
  plan: Plan,
  withProjection: boolean,
): AsyncSteps<{ result: VerificationResult; isFull: boolean }> {
  if (plan.kind === "cached") return { result: plan.result, isFull: false };
  if (plan.kind === "extend") {
    const extended = yield* extendVerificationSteps(source, plan.from);
    if (extended) return { result: extended, isFull: false };
  }
  return { result: yield* computeVerificationSteps(source, withProjection), isFull: true };
}

function remember(store: Store, withProjection: boolean, stamp: Stamp, result: VerificationResult, isFull: boolean): void {
  let perStore = verificationCache.get(store);
  if (!perStore) verificationCache.set(store, (perStore = new Map()));
  const previous = perStore.get(withProjection);
  perStore.set(withProjection, {
    stamp,
    result,
    fullCommits: isFull || !previous ? stamp.commits : previous.fullCommits,
    fullAt: isFull || !previous ? stamp.at : previous.fullAt,
  });
}

async function withSignedHead(db: Queryable, result: VerificationResult, signer: Signer | null | undefined): Promise<AuditVerification> {
  const key = signer === undefined ? getSigner() : signer;
  // A broken store's head is not worth a signature: sign only what verified, and only as far as it verified.
  return { ...result, signedHead: key && result.ok ? await getSignedHead(db, key, result.head) : null };
}

/**
 * Recomputes the hash chain and (unless `projection` is false) replays the log to prove that every
 * projection row is what the log says. Answers the first broken record: a log record whose hash does
 * not hold, or else the event that created a projection row that differs from the replay.
 *
 * Cached per store handle so the header badge on every page stays cheap:
 * - nothing written since the last check: the cached answer;
 * - only appends since (SQLite: by this connection; PostgreSQL: by any server, within `maxAgeMs`
 *   of the last full check) and the last check was ok: only the new records' chain links are
 *   checked;
 * - anything else, in particular any commit by another SQLite connection (an edit behind
 *   Threadline's back moves data_version), or on PostgreSQL any commit once the last full check is
 *   older than `maxAgeMs`: the full check again. The header badge accepts a full check a while old,
 *   so sessions and shares written meanwhile do not make every page replay a large log; /audit,
 *   the report and the API default to 0.
 *
 * Without slices: for scripts and tests. The server uses verifyStoreInSlices.
 */
export async function verifyStore(store: Store, options: VerifyOptions = {}): Promise<AuditVerification> {
  return verifyWith(store, options, finish);
}

async function verifyWith(
  store: Store,
  options: VerifyOptions,
  run: (steps: AsyncSteps<{ result: VerificationResult; isFull: boolean }>) => Promise<{ result: VerificationResult; isFull: boolean }>,
): Promise<AuditVerification> {
  const withProjection = options.projection ?? true;
  const stamp = await stampOf(store);
  const plan = planVerification(store, withProjection, stamp, options.maxAgeMs ?? 0);
  const { result, isFull } =
    plan.kind === "cached" ? { result: plan.result, isFull: false } : await store.snapshot((snapshot) => run(verificationSteps(snapshot, plan, withProjection)));
  remember(store, withProjection, stamp, result, isFull);
  return withSignedHead(store, result, options.signer);
}

/** One verification at a time per store handle: a second request waits and then finds the first one's answer cached. */
const verificationQueue = new WeakMap<Store, Promise<unknown>>();

/**
 * verifyStore for the server. A full check of a large store takes minutes of CPU (a million events:
 * the chain rehashes 1 GB, the replay re-derives every row); it runs in slices of a few
 * milliseconds on a snapshot of the store, so lineage requests and ingest go on meanwhile and it
 * checks one consistent state of log and projection whatever is written during it. Concurrent
 * callers share one run. Several servers on one database each keep their own cache and run their
 * own checks (each on its own snapshot, so they never disturb one another or the appends).
 */
export function verifyStoreInSlices(store: Store, options: VerifyOptions = {}): Promise<AuditVerification> {
  const queued = (verificationQueue.get(store) ?? Promise.resolve()).catch(() => undefined).then(() => verifyWith(store, options, (steps) => runInSlices(steps)));
  verificationQueue.set(store, queued);
  return queued;
}

/** Checks the chain links of the records appended after a verified head; null when one fails. */
async function* extendVerificationSteps(db: Queryable, verified: VerificationResult): AsyncSteps<VerificationResult | null> {
  const appended = yield* verifyChainSteps(db, { after: verified.head ?? { seq: 0, hash: GENESIS_HASH } });
  if (!appended.ok) return null;
  const total = verified.checked + appended.checked;
  return {
    ...verified,
    checked: total,
    head: appended.checked > 0 ? appended.head : verified.head,
    chain: { ok: true, checked: total },
    verifiedAt: new Date().toISOString(),
  };
}

async function* computeVerificationSteps(snapshot: Parameters<typeof verifyProjectionSteps>[0], withProjection: boolean): AsyncSteps<VerificationResult> {
  const chain = yield* verifyChainSteps(snapshot);
  let projection: AuditVerification["projection"] = null;
  if (withProjection) {
    const check = yield* verifyProjectionSteps(snapshot);
    projection = check.ok
      ? { ok: true }
      : {
          ok: false,
          firstDifference: check.firstDifference && {
            ...check.firstDifference,
            seq: await creatingEvent(snapshot, check.firstDifference.table, check.firstDifference.key),
          },
        };
  }
  let firstBroken = chain.firstBroken;
  if (!firstBroken && projection && !projection.ok) {
    const d = projection.firstDifference;
    firstBroken = {
      seq: d?.seq ?? 0,
      reason: d
        ? `projection ${d.table} row ${d.key}: ${d.reason}${d.seq ? ` (the row was created by event #${d.seq})` : ""}`
        : "the projection differs from a replay of the log",
    };
  }
  return {
    ok: chain.ok && (projection?.ok ?? true),
    checked: chain.checked,
    head: chain.head ?? (await getLogHead(snapshot)),
    ...(firstBroken ? { firstBroken } : {}),
    chain: { ok: chain.ok, checked: chain.checked, ...(chain.firstBroken ? { firstBroken: chain.firstBroken } : {}) },
    projection,
    verifiedAt: new Date().toISOString(),
  };
}

/** The event that first wrote a projection row, from the node it belongs to. */
async function creatingEvent(db: Queryable, table: string, key: string): Promise<number | null> {
  const nodeSeq = async (k: string) => (await db.get<{ seq: number }>(`SELECT seq FROM "Node" WHERE key = ?`, [k]))?.seq ?? null;
  switch (table) {
    case "Run":
    case "RunDataset":
      return nodeSeq(nodeId.run(runIdOf(key)));
    case "Edge": {
      const [source, target] = key.split(" -> ");
      const row = await db.get<{ seq: number }>(
        `SELECT e.seq FROM "Edge" e JOIN "Node" s ON s.id = e."sourceId" JOIN "Node" t ON t.id = e."targetId" WHERE s.key = ? AND t.key = ?`,
        [source, target],
      );
      return row?.seq ?? (await nodeSeq(target)) ?? (await nodeSeq(source));
    }
    default:
      return nodeSeq(key);
  }
}
