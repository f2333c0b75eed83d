import "server-only";
import { AppError } from "./errors";
import { GENESIS_HASH, getLogHead, LOG_COLUMNS, verifyChain, type ChainVerification, type LogHead } from "./event-log";
import { writeStaged } from "./ingest";
import { isSameHead, OverlappedWrites, type Stage } from "./ingest-batches";
import { prefetchProjection, ProjectionCache, projectEvent, type ProjectableEvent } from "./projection";
import type { SqlValue, Store } from "./store/types";
import type { EventKind } from "@/lib/schemas/openlineage";

/**
 * Moves a store to another backend or database (npm run store:copy): the event log copied record
 * for record (sequence numbers, hashes, times and senders as they are, so the heads are equal) and
 * projected again on the target as it goes, in transactions of one page each. The target must be
 * empty: a copy never merges two logs. The source's chain is checked first, so a broken log is
 * never carried over; the target's chain after.
 *
 * With the log go the two keys its signatures are read with, which are not in the log: the
 * producers' registered keys (Signer), else every signed batch would read `unknown-signer` on the
 * copy, and Threadline's own signing key (InstanceKey), else the exports, manifests and signed
 * heads it made before would no longer verify against the copy's public key. Users, sessions, API
 * keys and shares belong to a deployment, not to the lineage, and are set up again on the target.
 */

const PAGE = 1_000;

export interface CopyResult {
  events: number;
  /** Producer keys (registered, revoked or not) carried over; those the target had already are kept. */
  producerKeys: number;
  /**
   * Threadline's own signing key (InstanceKey): "copied"; "replaced" the key a server made on the
   * empty target before the copy (it can have signed only an empty log); "none" when the source
   * never made one (it signed nothing, or THREADLINE_SIGNING_KEY signs).
   */
  signingKey: "copied" | "replaced" | "none";
  sourceHead: LogHead | null;
  targetHead: LogHead | null;
  chain: ChainVerification;
}

type LogRow = Record<(typeof LOG_COLUMNS)[number], SqlValue>;

/**
 * A page of the source's log as the target will store it: projected onto `base`, which must be the
 * record before the page's first (the target's head: nothing else writes to it during a copy).
 */
function stagePage(rows: readonly LogRow[]): Stage {
  return async (db, base, cache, logged) => {
    const first = rows[0]!;
    const expected = first.prevHash === GENESIS_HASH ? null : { seq: Number(first.seq) - 1, hash: String(first.prevHash) };
    if (!isSameHead(base, expected)) {
      throw new AppError("conflict", `The target's log changed during the copy: its head is #${base?.seq ?? 0}, the copy's next event follows #${expected?.seq ?? 0}.`);
    }
    const events = rows.map((row) => JSON.parse(String(row.payload)) as ProjectableEvent);
    await prefetchProjection(db, cache, events);
    for (const [i, row] of rows.entries()) await projectEvent(db, Number(row.seq), row.kind as EventKind, events[i]!, cache);
    // The page's log rows as they are, many to a statement, as ingest appends them (writeStaged).
    const entries = rows.map((row) => ({ head: { seq: Number(row.seq), hash: String(row.hash) }, row: LOG_COLUMNS.map((c) => row[c]) }));
    return { base, head: entries[entries.length - 1]!.head, cache, logged, entries, outcomes: [], writes: [] };
  };
}

/** Copies the log of `source` into the empty store `target`, `pageEvents` a transaction; `onProgress(copied, total)` after each page. */
export async function copyStore(
  source: Store,
  target: Store,
  onProgress?: (copied: number, total: number) => void,
  { pageEvents = PAGE }: { pageEvents?: number } = {},
): Promise<CopyResult> {
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
    // On PostgreSQL a page is projected while the page before is written (OverlappedWrites).
    const writes = target.dialect.lockProjection ? new OverlappedWrites(target) : null;
    try {
      for (;;) {
        // Up to the head checked above: events the source takes meanwhile are not part of this copy.
        const rows = await source.all<LogRow>(`SELECT ${columns} FROM "Event" WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`, [after, last, pageEvents]);
        if (rows.length === 0) break;
        after = Number(rows[rows.length - 1].seq);
        const stored = () => {
          copied += rows.length;
          onProgress?.(copied, total);
        };
        if (writes) await writes.add(stagePage(rows), stored);
        else {
          await target.transaction(async (tx) => {
            if (tx.dialect.lockLog) await tx.run(tx.dialect.lockLog);
            await writeStaged(tx, await stagePage(rows)(tx, await getLogHead(tx), new ProjectionCache(), new Map()));
          });
          stored();
        }
      }
    } catch (error) {
      await writes?.settled();
      throw error;
    }
    await writes?.finish();
  });
  const keys = await copyKeys(source, target);
  return { events: copied, ...keys, sourceHead: sourceChain.head, targetHead: await getLogHead(target), chain: await verifyChain(target) };
}

const SIGNER_COLUMNS = ["keyId", "name", "publicKey", "namespaces", "createdAt", "createdBy", "revokedAt", "revokedBy"] as const;

/** The producers' keys and Threadline's signing key, in one transaction on the target (see the module comment). */
async function copyKeys(source: Store, target: Store): Promise<Pick<CopyResult, "producerKeys" | "signingKey">> {
  const columns = SIGNER_COLUMNS.map((c) => `"${c}"`).join(", ");
  const signers = await source.all<Record<(typeof SIGNER_COLUMNS)[number], SqlValue>>(`SELECT ${columns} FROM "Signer" ORDER BY "keyId"`);
  const instanceKey = await source.get<{ privateKey: string; createdAt: string }>(`SELECT "privateKey", "createdAt" FROM "InstanceKey" WHERE "id" = 'signing'`);
  return target.transaction(async (tx) => {
    let producerKeys = 0;
    for (const signer of signers) {
      const { changes } = await tx.run(
        `INSERT INTO "Signer" (${columns}) VALUES (${SIGNER_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT ("keyId") DO NOTHING`,
        SIGNER_COLUMNS.map((c) => signer[c]),
      );
      producerKeys += changes;
    }
    if (!instanceKey) return { producerKeys, signingKey: "none" };
    const { changes } = await tx.run(`DELETE FROM "InstanceKey" WHERE "id" = 'signing'`);
    await tx.run(`INSERT INTO "InstanceKey" ("id", "privateKey", "createdAt") VALUES ('signing', ?, ?)`, [instanceKey.privateKey, instanceKey.createdAt]);
    return { producerKeys, signingKey: changes > 0 ? "replaced" : "copied" };
  });
}
