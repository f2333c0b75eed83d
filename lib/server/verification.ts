import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getConfig } from "@/lib/config";
import { GENESIS_HASH, getLogHead, verifyChainSteps, type LogHead } from "./event-log";
import { verifyProjectionSteps } from "./rebuild";
import { finish, runInSlices, type AsyncSteps } from "./steps";
import { getInstanceSigner, signStatement, type Signer } from "./signing";
import type { Queryable, Store } from "./store/types";
import type { AuditVerification, HeadStatement, SignedStatement } from "@/lib/schemas/audit";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";

/**
 * The verification of the store: the hash chain recomputed, and (unless asked not to) the log
 * replayed into scratch tables and compared with the stored projection. The same on both backends;
 * the result is shared by every server on the database and computed by one of them (verifyStore).
 */

/**
 * The statement of the log head, signed with this Threadline's key (GET /api/v1/audit/head).
 * `signer`: by default the one key (getInstanceSigner); null leaves it unsigned.
 */
export async function getSignedHead(db: Queryable, signer?: Signer | null, head?: LogHead | null): Promise<SignedStatement<HeadStatement>> {
  const key = signer === undefined ? await getInstanceSigner(db) : signer;
  return signStatement<HeadStatement>(
    { type: "threadline/log-head", version: 1, head: head === undefined ? await getLogHead(db) : head, signedAt: new Date().toISOString(), keyId: key?.keyId ?? null },
    key,
  );
}

/** What one check finds: the shared row's JSON. Who checked and the last full pass come from its columns. */
type VerificationResult = Omit<AuditVerification, "signedHead" | "verifiedBy" | "fullCheck">;

export interface VerifyOptions {
  /** Also replay the log and compare the projection (default true). */
  projection?: boolean;
  /** Who signs the verified head: by default this Threadline's key; null for an unsigned answer. */
  signer?: Signer | null;
  /** Accept a full pass this old although another connection committed since (see verifyStore). */
  maxAgeMs?: number;
  /** A full pass now, unless one started after this call (an auditor's or operator's request). */
  full?: boolean;
  /** Who asks for that full pass (an admin's sender name), recorded with it for every server. */
  requestedBy?: string;
  /** A full pass older than this is made again (default THREADLINE_FULL_VERIFY_MINUTES). */
  fullEveryMs?: number;
}

/** The server checking, as the shared result names it. */
export const SERVER_NAME = `${hostname()}:${process.pid}`;

/** How long a verifier's claim lasts unless renewed, and how often it renews while checking. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/** How often a server waiting for another server's check looks for its result. */
const WAIT_POLL_MS = 100;

/** "store": the chain and a replay of the projection; "chain": the chain alone. */
type Scope = "store" | "chain";

/** A row of the Verification table (prisma/schema.prisma). */
interface VerificationRow {
  headSeq: number | null;
  headHash: string | null;
  result: string | null;
  verifiedBy: string | null;
  fullAt: string | null;
  fullBy: string | null;
  fullRequestedBy: string | null;
  fullPasses: number;
  leaseHolder: string | null;
  leaseUntil: string | null;
}

/** The shared verification of one scope: what it found, who checked, and the full passes so far. */
export type SharedVerification = VerificationRow & { scope: Scope };

export async function readSharedVerification(db: Queryable, scope: Scope): Promise<SharedVerification | undefined> {
  return db.get<SharedVerification>(`SELECT * FROM "Verification" WHERE "scope" = ?`, [scope]);
}

/**
 * What this process saw of the dialect's foreign-commit stamp at its last full pass, per store and
 * scope: when the stamp moved since, another connection wrote (SQLite: perhaps an edit behind
 * Threadline's back, which the head does not show).
 */
const stampsAtFullPass = new WeakMap<Store, Map<Scope, string>>();

async function foreignStampOf(store: Store): Promise<string | null> {
  if (store.dialect.foreignCommitStamp === null) return null;
  const row = await store.get<{ stamp: string | number }>(store.dialect.foreignCommitStamp);
  return String(row?.stamp ?? "");
}

/** What a verification request needs: the shared answer, the chain links appended since, or everything. */
type Plan = { kind: "current"; row: VerificationRow } | { kind: "extend"; from: VerificationResult } | { kind: "full" };

interface PlanInput {
  row: VerificationRow | undefined;
  head: LogHead | null;
  now: number;
  /** When the caller asked for a full pass (options.full), else null. */
  fullRequestedAt: number | null;
  fullEveryMs: number;
  maxAgeMs: number;
  isForeignWrite: boolean;
}

function planVerification({ row, head, now, fullRequestedAt, fullEveryMs, maxAgeMs, isForeignWrite }: PlanInput): Plan {
  if (!row?.result || !row.fullAt) return { kind: "full" };
  const fullAt = Date.parse(row.fullAt);
  if (fullRequestedAt !== null && fullAt < fullRequestedAt) return { kind: "full" };
  if (now - fullAt > fullEveryMs || (isForeignWrite && now - fullAt > maxAgeMs)) return { kind: "full" };
  if (row.headSeq === (head?.seq ?? null) && row.headHash === (head?.hash ?? null)) return { kind: "current", row };
  const result = JSON.parse(row.result) as VerificationResult;
  // A log that shrank lost records; a broken one is checked whole again once it changed.
  if (!result.ok || (head?.seq ?? 0) < (row.headSeq ?? 0)) return { kind: "full" };
  return { kind: "extend", from: result };
}

/** Carries out a plan, reading the log and projection from `source`. */
async function* verificationSteps(
  source: Parameters<typeof verifyProjectionSteps>[0],
  plan: Exclude<Plan, { kind: "current" }>,
  withProjection: boolean,
): AsyncSteps<{ result: VerificationResult; isFull: boolean }> {
  if (plan.kind === "extend") {
    const extended = yield* extendVerificationSteps(source, plan.from);
    if (extended) return { result: extended, isFull: false };
  }
  return { result: yield* computeVerificationSteps(source, withProjection), isFull: true };
}

/** Claims the check of `scope` for a while; the claim's token, or null when another server holds an unexpired one. */
async function takeLease(store: Store, scope: Scope): Promise<string | null> {
  const token = randomUUID();
  const now = Date.now();
  await store.run(`INSERT INTO "Verification" ("scope") VALUES (?) ON CONFLICT ("scope") DO NOTHING`, [scope]);
  const { changes } = await store.run(
    `UPDATE "Verification" SET "leaseHolder" = ?, "leaseUntil" = ? WHERE "scope" = ? AND ("leaseHolder" IS NULL OR "leaseUntil" < ?)`,
    [token, new Date(now + LEASE_MS).toISOString(), scope, new Date(now).toISOString()],
  );
  return changes === 1 ? token : null;
}

async function renewLease(store: Store, scope: Scope, token: string): Promise<void> {
  await store.run(`UPDATE "Verification" SET "leaseUntil" = ? WHERE "scope" = ? AND "leaseHolder" = ?`, [
    new Date(Date.now() + LEASE_MS).toISOString(),
    scope,
    token,
  ]);
}

async function releaseLease(store: Store, scope: Scope, token: string): Promise<void> {
  await store.run(`UPDATE "Verification" SET "leaseHolder" = NULL, "leaseUntil" = NULL WHERE "scope" = ? AND "leaseHolder" = ?`, [scope, token]);
}

/** The steps, renewing the lease every few seconds of checking so other servers keep waiting for it. */
async function* renewing<T>(steps: AsyncSteps<T>, renew: () => Promise<void>): AsyncSteps<T> {
  let renewedAt = Date.now();
  for (;;) {
    const next = await steps.next();
    if (next.done) return next.value;
    if (Date.now() - renewedAt >= RENEW_EVERY_MS) {
      await renew();
      renewedAt = Date.now();
    }
    yield;
  }
}

/** Stores a check's result for every server, if this check still holds the lease (one that lapsed was taken over). */
async function publish(
  store: Store,
  scope: Scope,
  token: string,
  result: VerificationResult,
  full: { at: string; requestedBy: string | null } | null,
): Promise<boolean> {
  const { changes } = await store.run(
    `UPDATE "Verification" SET "headSeq" = ?, "headHash" = ?, "result" = ?, "verifiedAt" = ?, "verifiedBy" = ?,
       "leaseHolder" = NULL, "leaseUntil" = NULL
       ${full ? `, "fullAt" = ?, "fullBy" = ?, "fullRequestedBy" = ?, "fullPasses" = "fullPasses" + 1` : ""}
     WHERE "scope" = ? AND "leaseHolder" = ?`,
    [
      result.head?.seq ?? null,
      result.head?.hash ?? null,
      JSON.stringify(result),
      result.verifiedAt,
      SERVER_NAME,
      ...(full ? [full.at, SERVER_NAME, full.requestedBy] : []),
      scope,
      token,
    ],
  );
  return changes === 1;
}

async function withSignedHead(db: Queryable, found: Omit<AuditVerification, "signedHead">, signer: Signer | null): Promise<AuditVerification> {
  // A broken store's head is not worth a signature: sign only what verified, and only as far as it verified.
  return { ...found, signedHead: signer && found.ok ? await getSignedHead(db, signer, found.head) : null };
}

function answerOf(row: VerificationRow): Omit<AuditVerification, "signedHead"> {
  return {
    ...(JSON.parse(row.result ?? "null") as VerificationResult),
    verifiedBy: row.verifiedBy ?? SERVER_NAME,
    fullCheck: row.fullAt ? { at: row.fullAt, by: row.fullBy ?? SERVER_NAME, requestedBy: row.fullRequestedBy } : null,
  };
}

/**
 * Recomputes the hash chain and (unless `projection` is false) replays the log to prove that every
 * projection row is what the log says. Answers the first broken record: a log record whose hash does
 * not hold, or else the event that created a projection row that differs from the replay.
 *
 * The result is shared by every server on the database (the Verification table), and the work is
 * done once for all of them: the server that takes the row's lease checks, the others wait for it
 * and read its result (a crashed verifier's lease lapses and another server takes over). The log is
 * append-only, so a verified prefix stays verified:
 * - the head is where the last check reached: that check's answer;
 * - records were appended since, and that check was ok: only the new records' chain links are
 *   checked, from the verified head on;
 * - a full pass (the whole chain, and the replay of the projection) when none was made yet, when
 *   the last one is older than `fullEveryMs` (THREADLINE_FULL_VERIFY_MINUTES), when the caller
 *   asks (`full`: npm run verify -- --full, POST /api/v1/audit/verify), when the last check was
 *   broken and the log changed since, and where the dialect can tell (SQLite's data_version) when
 *   another connection committed since this process's last full pass and that pass is older than
 *   `maxAgeMs`: an edit behind Threadline's back does not move the head. The header badge accepts a
 *   full pass a while old, so sessions written meanwhile do not make every page replay a large log;
 *   /audit, the report and the API default to 0. On PostgreSQL every other server is another
 *   connection, so edits there are found by the periodic or requested full pass.
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
  const scope: Scope = withProjection ? "store" : "chain";
  const fullRequestedAt = options.full ? Date.now() : null;
  const fullEveryMs = options.fullEveryMs ?? getConfig().THREADLINE_FULL_VERIFY_MINUTES * 60_000;
  // The key first: its first use may create the instance key, a commit no plan below should see.
  const signer = options.signer === undefined ? await getInstanceSigner(store) : options.signer;
  const planNow = async () => {
    const stamp = await foreignStampOf(store);
    const head = await getLogHead(store);
    const row = await readSharedVerification(store, scope);
    const isForeignWrite = stamp !== null && stampsAtFullPass.get(store)?.get(scope) !== stamp;
    const plan = planVerification({ row, head, now: Date.now(), fullRequestedAt, fullEveryMs, maxAgeMs: options.maxAgeMs ?? 0, isForeignWrite });
    return { plan, stamp };
  };
  for (;;) {
    const first = await planNow();
    if (first.plan.kind === "current") return withSignedHead(store, answerOf(first.plan.row), signer);
    const token = await takeLease(store, scope);
    if (token === null) {
      // Another server is checking: its result is likely what this caller needs.
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      continue;
    }
    let isPublished = false;
    try {
      // Planned again under the lease: the previous holder may have just published what is needed.
      const { plan, stamp } = await planNow();
      if (plan.kind === "current") return withSignedHead(store, answerOf(plan.row), signer);
      const startedAt = new Date().toISOString();
      const { result, isFull } = await store.snapshot((snapshot) =>
        run(renewing(verificationSteps(snapshot, plan, withProjection), () => renewLease(store, scope, token))),
      );
      // A pass this call asked for names who asked; a pass that was due anyway names nobody.
      const requestedBy = fullRequestedAt !== null ? (options.requestedBy ?? null) : null;
      isPublished = await publish(store, scope, token, result, isFull ? { at: startedAt, requestedBy } : null);
      if (isFull && stamp !== null) {
        let perStore = stampsAtFullPass.get(store);
        if (!perStore) stampsAtFullPass.set(store, (perStore = new Map()));
        perStore.set(scope, stamp);
      }
      const row = isPublished ? await readSharedVerification(store, scope) : undefined;
      const found = row ? answerOf(row) : { ...result, verifiedBy: SERVER_NAME, fullCheck: isFull ? { at: startedAt, by: SERVER_NAME, requestedBy } : null };
      return withSignedHead(store, found, signer);
    } finally {
      if (!isPublished) await releaseLease(store, scope, token);
    }
  }
}

/** One verification at a time per store handle: a second request waits and then finds the first one's answer shared. */
const verificationQueue = new WeakMap<Store, Promise<unknown>>();

/**
 * verifyStore for the server. A full check of a large store takes minutes of CPU (a million events:
 * the chain rehashes 1 GB, the replay re-derives every row); it runs in slices of a few
 * milliseconds on a snapshot of the store, so lineage requests and ingest go on meanwhile and it
 * checks one consistent state of log and projection whatever is written during it. Concurrent
 * callers share one run; other servers on the database wait for it and read its result.
 */
export function verifyStoreInSlices(store: Store, options: VerifyOptions = {}): Promise<AuditVerification> {
  const queued = (verificationQueue.get(store) ?? Promise.resolve()).catch(() => undefined).then(() => verifyWith(store, options, (steps) => runInSlices(steps)));
  verificationQueue.set(store, queued);
  return queued;
}

/**
 * Forgets the shared result, so the next check is a full pass (after a rebuild rewrote the
 * projection); a check under way will not publish what it found in the old projection. Call inside
 * the transaction that changed the store.
 */
export async function forgetVerification(tx: Queryable): Promise<void> {
  await tx.run(`UPDATE "Verification" SET "headSeq" = NULL, "headHash" = NULL, "result" = NULL, "leaseHolder" = NULL, "leaseUntil" = NULL`);
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
    case "RunBrief":
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
