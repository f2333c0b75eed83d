import "server-only";
import { randomBytes } from "node:crypto";
import type { Queryable } from "./store/types";
import { AppError, toErrorResponse } from "./errors";
import { GENESIS_HASH, verifyChainSteps } from "./event-log";
import { finish } from "./steps";
import { getNodeDetail } from "./nodes";
import { readView } from "./views";
import { markDetailSignature, markSignatureStatuses } from "./signers";
import { hashToken, newToken } from "./auth-crypto";
import type { Principal } from "./auth";
import type { NodeDetail } from "@/lib/lineage/types";
import { ShareViewSchema } from "@/lib/schemas/share";
import type {
  CreatedShare,
  ShareCreateInput,
  SharedView,
  ShareSnapshot,
  ShareStatus,
  ShareSummary,
  ShareVerification,
  ShareView,
} from "@/lib/schemas/share";

/**
 * Share links: frozen, read-only views behind `/share/<token>`.
 *
 * - The snapshot is built here from the view's parameters (never taken from the client): the graph
 *   exactly as GET /api/v1/lineage answers it *as of the log head* read first, so the graph and the
 *   recorded head agree even while events arrive; and the NodeDetail of every node (of the focus
 *   and the selection only when the graph is larger than DETAIL_ALL_LIMIT).
 * - The token is 256 random bits; only its sha256 is stored. The owner manages a share by its id.
 * - A share answers only from its stored snapshot: nothing a token opens reads the live store,
 *   except the chain verification of the log up to the share's head and the producer signature
 *   status of its versions. Those are derived when the share is read, as everywhere (see
 *   lib/server/signers.ts): the versions, digests and signatures are the snapshot's, the trust in
 *   the keys is the registry's now, so a key revoked after the share was made reads "signer
 *   revoked" on it. A reviewer must learn that a key no longer vouches; freezing "verified" would
 *   keep vouching for an artefact its producer has disowned.
 * - Revocation is recorded (revokedAt, revokedBy), never a delete.
 */

/**
 * A share link's answers are for its holder only: never cached, never indexed. (The site-wide
 * Referrer-Policy: same-origin already keeps the token out of any Referer sent to another site.)
 */
export const SHARE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex",
};

/** A share route's error answer: the one mapper's, with the share headers (never cached, never indexed). */
export function shareErrorResponse(error: unknown): Response {
  const response = toErrorResponse(error);
  for (const [name, value] of Object.entries(SHARE_RESPONSE_HEADERS)) response.headers.set(name, value);
  return response;
}

/** Up to this many nodes, the snapshot holds every node's details so the viewer can click around. */
export const DETAIL_ALL_LIMIT = 150;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A Share row: the summary's fields as stored (the head in two columns), with the token's hash, the view and the snapshot. */
type ShareRow = Omit<ShareSummary, "head" | "status"> & { tokenHash: string; params: string; snapshot: string; headSeq: number; headHash: string };

const SUMMARY_COLUMNS =
  "id, viewKind, focusId, nodeCount, headSeq, headHash, note, createdBy, createdAt, expiresAt, revokedAt, revokedBy";

function statusOf(row: Pick<ShareRow, "revokedAt" | "expiresAt">, now: Date): ShareStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now.toISOString()) return "expired";
  return "active";
}

function toSummary(row: Omit<ShareRow, "tokenHash" | "params" | "snapshot">, now = new Date()): ShareSummary {
  return {
    id: row.id,
    viewKind: row.viewKind,
    focusId: row.focusId,
    nodeCount: row.nodeCount,
    head: { seq: row.headSeq, hash: row.headHash },
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    revokedBy: row.revokedBy,
    status: statusOf(row, now),
  };
}

export interface CreateShareOptions {
  /** Loads one node's details from the store as of the share's head (tests may pass their own). */
  loadDetail?: (id: string, store: Queryable) => NodeDetail | Promise<NodeDetail>;
  now?: Date;
}

export async function createShare(
  db: Queryable,
  input: ShareCreateInput,
  principal: Principal,
  options: CreateShareOptions = {},
): Promise<CreatedShare> {
  const now = options.now ?? new Date();
  const loadDetail = options.loadDetail ?? ((id: string, store: Queryable) => getNodeDetail(store, id));
  const { view } = input;
  // The view exactly as the explorer builds it (neighbourhood, then each "+N" expansion), as of the
  // view's point: the head read first, or the as-of event of an as-of view, which the share then
  // freezes. Details come from the same store, so nothing in the snapshot is newer than its head.
  const { graph, point, store } = await readView(db, view);

  const inGraph = new Set(graph.nodes.map((node) => node.id));
  const selectedId = view.selected && inGraph.has(view.selected) ? view.selected : null;
  const wanted =
    graph.nodes.length <= DETAIL_ALL_LIMIT
      ? graph.nodes.map((node) => node.id)
      : [...new Set([graph.focus, ...(selectedId ? [selectedId] : [])])];
  const details: Record<string, NodeDetail> = {};
  for (const id of wanted) {
    try {
      details[id] = await loadDetail(id, store);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") continue;
      throw error;
    }
  }

  const snapshot: ShareSnapshot = { graph: { ...graph, point }, details, selectedId };
  const token = newToken();
  const id = `shr_${randomBytes(9).toString("base64url")}`;
  const expiresAt = input.expiresInHours ? new Date(now.getTime() + input.expiresInHours * 3_600_000).toISOString() : null;
  const row: ShareRow = {
    id,
    tokenHash: hashToken(token),
    viewKind: view.kind,
    focusId: graph.focus,
    params: JSON.stringify({ ...view, asOf: String(point.seq), selected: selectedId }),
    snapshot: JSON.stringify(snapshot),
    nodeCount: graph.nodes.length,
    headSeq: point.seq,
    headHash: point.hash,
    note: input.note ? input.note : null,
    createdBy: principal.sender,
    createdAt: now.toISOString(),
    expiresAt,
    revokedAt: null,
    revokedBy: null,
  };
  const columns = ["id", "tokenHash", "viewKind", "focusId", "params", "snapshot", "nodeCount", "headSeq", "headHash", "note", "createdBy", "createdAt", "expiresAt"] as const;
  await db.run(
    `INSERT INTO "Share" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    columns.map((c) => row[c]),
  );
  return { share: toSummary(row, now), token, path: `/share/${token}` };
}

/** Who may see and revoke a share: its creator, an admin, or anyone in local demo mode. */
function canManage(principal: Principal, createdBy: string, isProtected: boolean): boolean {
  return !isProtected || principal.isAdmin || principal.sender === createdBy;
}

// The summary's columns, quoted for the store's portable SQL.
const SUMMARY_SELECT = SUMMARY_COLUMNS.split(", ")
  .map((column) => `"${column}"`)
  .join(", ");

/** The shares a principal manages, newest first. */
export async function listShares(store: Queryable, principal: Principal, isProtected: boolean, now = new Date()): Promise<ShareSummary[]> {
  const rows = await store.all<Omit<ShareRow, "tokenHash" | "params" | "snapshot">>(
    `SELECT ${SUMMARY_SELECT} FROM "Share" ORDER BY "createdAt" DESC, "id"`,
  );
  return rows.filter((row) => canManage(principal, row.createdBy, isProtected)).map((row) => toSummary(row, now));
}

/**
 * Records a revocation; from then on the link answers 410 and shows nothing. Idempotent, also when
 * two servers revoke at once: the first revocation recorded is the one every server answers with.
 */
export async function revokeShare(store: Queryable, id: string, principal: Principal, isProtected: boolean, now = new Date()): Promise<ShareSummary> {
  const read = () => store.get<Omit<ShareRow, "tokenHash" | "params" | "snapshot">>(`SELECT ${SUMMARY_SELECT} FROM "Share" WHERE "id" = ?`, [id]);
  const row = await read();
  // Someone else's share is answered like a missing one: its existence is not theirs to learn.
  if (!row || !canManage(principal, row.createdBy, isProtected)) throw new AppError("not_found", `There is no share ${id}.`);
  if (row.revokedAt) return toSummary(row, now);
  await store.run(`UPDATE "Share" SET "revokedAt" = ?, "revokedBy" = ? WHERE "id" = ? AND "revokedAt" IS NULL`, [now.toISOString(), principal.sender, id]);
  return toSummary((await read())!, now);
}

export type OpenedShare =
  | { status: "active"; row: ShareRow; snapshot: ShareSnapshot; view: ShareView }
  | { status: "not_found" | "revoked" | "expired" };

/** Opens a share by its token; anything but an active share yields no data at all. */
export async function openShare(db: Queryable, token: string, now = new Date()): Promise<OpenedShare> {
  if (!TOKEN_PATTERN.test(token)) return { status: "not_found" };
  const row = await db.get<ShareRow>(`SELECT * FROM "Share" WHERE "tokenHash" = ?`, [hashToken(token)]);
  if (!row) return { status: "not_found" };
  const status = statusOf(row, now);
  if (status !== "active") return { status };
  // Parsed with the view query's schema: a share stored by an older version (nodeId, a numeric asOf) reads the same.
  const view = ShareViewSchema.parse(JSON.parse(row.params));
  return { status, row, snapshot: JSON.parse(row.snapshot) as ShareSnapshot, view };
}

/** The error a token that opens nothing answers with: 404 unknown, 410 revoked or expired. */
export function shareUnavailable(status: "not_found" | "revoked" | "expired"): AppError {
  if (status === "revoked") return new AppError("gone", "This share link was revoked.");
  if (status === "expired") return new AppError("gone", "This share link has expired.");
  return new AppError("not_found", "There is no such share link.");
}

async function openOrThrow(db: Queryable, token: string, now: Date) {
  const opened = await openShare(db, token, now);
  if (opened.status !== "active") throw shareUnavailable(opened.status);
  return opened;
}

/** What a link holder sees: the frozen graph, the share's head and its verification. */
export async function getSharedView(db: Queryable, token: string, now = new Date()): Promise<SharedView> {
  const { row, snapshot, view } = await openOrThrow(db, token, now);
  const summary = toSummary(row, now);
  await markSignatureStatuses(db, snapshot.graph.nodes);
  return {
    share: {
      id: summary.id,
      viewKind: summary.viewKind,
      focusId: summary.focusId,
      nodeCount: summary.nodeCount,
      head: summary.head,
      note: summary.note,
      createdAt: summary.createdAt,
      expiresAt: summary.expiresAt,
      view,
    },
    graph: snapshot.graph,
    selectedId: snapshot.selectedId,
    detailIds: Object.keys(snapshot.details),
    verification: await verifyChainUpTo(db, row.headSeq, row.headHash, now),
  };
}

/** One node's details from a share's snapshot; a node outside the snapshot is a 404 like any unknown one. */
export async function getSharedNode(db: Queryable, token: string, nodeId: string, now = new Date()): Promise<NodeDetail> {
  const { snapshot } = await openOrThrow(db, token, now);
  const detail = Object.hasOwn(snapshot.details, nodeId) ? snapshot.details[nodeId] : undefined;
  if (!detail) throw new AppError("not_found", "This node is not in the shared snapshot.");
  await markDetailSignature(db, detail);
  return detail;
}

/**
 * The view query of a share's snapshot, pinned to the share's head: the exports and the report a
 * link offers read exactly this (the share's focus, depth, direction, budget, expansions and
 * selection as of its head event), which is the snapshot's own view by construction. Answers only
 * for an active share.
 */
export async function sharedViewQuery(db: Queryable, token: string, now = new Date()): Promise<{ view: ShareView; headSeq: number; headHash: string }> {
  const { row, view } = await openOrThrow(db, token, now);
  return { view: { ...view, asOf: String(row.headSeq) }, headSeq: row.headSeq, headHash: row.headHash };
}

// ---- verification ------------------------------------------------------------------------------

/** Verifications are cached this long per (seq, hash): a page view must not rehash a big log each time. */
const VERIFY_TTL_MS = 30_000;
const verifyCaches = new WeakMap<Queryable, Map<string, { at: number; result: ShareVerification }>>();

/**
 * Recomputes the chain from the first record up to `seq` and checks it ends in `hash`: the log a
 * share was taken from is still the log it was taken from. Bounded by the share's head, so later
 * events cost nothing; names the first record that does not recompute.
 */
export async function verifyChainUpTo(db: Queryable, seq: number, hash: string, now = new Date()): Promise<ShareVerification> {
  const key = `${seq}:${hash}`;
  let verifyCache = verifyCaches.get(db);
  if (!verifyCache) verifyCaches.set(db, (verifyCache = new Map()));
  const cached = verifyCache.get(key);
  if (cached && now.getTime() - cached.at < VERIFY_TTL_MS) return cached.result;

  const result = await recompute(db, seq, hash, now.toISOString());
  if (verifyCache.size > 1_000) verifyCache.clear();
  verifyCache.set(key, { at: now.getTime(), result });
  return result;
}

async function recompute(db: Queryable, seq: number, hash: string, checkedAt: string): Promise<ShareVerification> {
  if (seq === 0) return { ok: hash === GENESIS_HASH, checked: 0, checkedAt, ...(hash === GENESIS_HASH ? {} : { problem: "the recorded head does not match an empty log" }) };
  const chain = await finish(verifyChainSteps(db, { upTo: seq }));
  const { checked } = chain;
  if (chain.firstBroken) return { ok: false, checked, checkedAt, problem: `event #${chain.firstBroken.seq}: ${chain.firstBroken.reason}` };
  if (chain.head?.seq !== seq) return { ok: false, checked, checkedAt, problem: `event #${seq} is missing from the log` };
  if (chain.head.hash !== hash) return { ok: false, checked, checkedAt, problem: `the chain up to event #${seq} no longer ends in the recorded hash` };
  return { ok: true, checked, checkedAt };
}
