import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "./errors";
import type { Principal } from "./auth";
import { FLAG_COLUMNS, getFlagPropagation } from "./flags-closure";
import { ingestEvent } from "./ingest-event";
import { describeNodes } from "./lineage";
import type { Queryable, Store } from "./store/types";
import { describeInheritance, summariseImpact, type Flag } from "@/lib/lineage/flags";
import type { FlagImpact, FlagView, NodeFlags } from "@/lib/lineage/investigate-view";
import type { AddFlagBody, RemoveFlagBody } from "@/lib/schemas/investigate";
import { THREADLINE_SCHEMA_URLS } from "@/lib/schemas/threadline-facets";

/**
 * Flags as a service: adding and removing one appends a DatasetEvent with a threadline_flag facet
 * through `ingestEvent` (the one door, grouped with concurrent writes), sent by the authenticated
 * writer — so every flag and every removal is in the hash-chained log and the Flag table is its
 * projection. Reads answer what is flagged where, what a node inherits from upstream and what one
 * flag touched.
 */

export const FLAG_PRODUCER = "https://threadline.dev/flags";
const DATASET_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent";
const VERSION_FACET_SCHEMA = "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet";

interface VersionRow {
  version: string;
  namespace: string;
  name: string;
}

function versionRow(db: Queryable, key: string): Promise<VersionRow | undefined> {
  return db.get<VersionRow>(
    `SELECT v.version, d.namespace, d.name FROM "DatasetVersion" v JOIN "Dataset" d ON d.key = v."datasetKey" WHERE v.key = ?`,
    [key],
  );
}

async function labels(db: Queryable, keys: string[]): Promise<Map<string, string>> {
  return new Map((await describeNodes(db, [...new Set(keys)])).map((n) => [n.id, n.version ? `${n.name}@${n.version}` : n.name]));
}

async function toView(db: Queryable, flags: Flag[]): Promise<FlagView[]> {
  const byKey = await labels(db, flags.map((f) => f.node));
  return flags.map((f) => ({ ...f, nodeLabel: byKey.get(f.node) ?? f.node, isActive: f.removedSeq === null }));
}

function flagEvent(v: VersionRow, flag: Record<string, unknown>) {
  return {
    eventTime: new Date().toISOString(),
    producer: FLAG_PRODUCER,
    schemaURL: DATASET_EVENT_SCHEMA,
    dataset: {
      namespace: v.namespace,
      name: v.name,
      facets: {
        version: { _producer: FLAG_PRODUCER, _schemaURL: VERSION_FACET_SCHEMA, datasetVersion: v.version },
        threadline_flag: { _producer: FLAG_PRODUCER, _schemaURL: THREADLINE_SCHEMA_URLS.threadline_flag.dataset, ...flag },
      },
    },
  };
}

async function append(store: Store, event: unknown, sender: string): Promise<number> {
  const outcome = await ingestEvent(store, event, { sender });
  if (outcome.status === "rejected" || outcome.seq === undefined) {
    throw new AppError("bad_request", "The flag could not be recorded.", outcome.errors ?? []);
  }
  return outcome.seq;
}

export async function getFlag(db: Queryable, flagId: string): Promise<FlagView> {
  const row = await db.get<Flag>(`SELECT ${FLAG_COLUMNS} FROM "Flag" WHERE "flagId" = ?`, [flagId]);
  if (!row) throw new AppError("not_found", `No flag with id ${flagId}.`);
  return (await toView(db, [row]))[0];
}

/**
 * Who a flag or a removal is recorded as: the authenticated sender, never a name the body claims.
 * Only in local demo mode, where every writer is "anonymous", may a writer put a name to it.
 */
function actorOf(writer: Principal, claimed: string | undefined): string {
  return writer.kind === "anonymous" ? (claimed ?? writer.sender) : writer.sender;
}

/**
 * What the audit log records as the sender of a flag event: the authenticated sender; in demo mode,
 * where nobody is authenticated, "anonymous" together with the name the person typed, so the log
 * names who said they flagged it without passing the claim off as a verified identity.
 */
function senderOf(writer: Principal, claimed: string | undefined): string {
  return writer.kind === "anonymous" && claimed ? `${writer.sender} (as ${claimed})` : writer.sender;
}

/** Flags a dataset version: appends the flag event and returns the projected flag. */
export async function addFlag(store: Store, body: AddFlagBody, writer: Principal): Promise<FlagView> {
  const sender = senderOf(writer, body.by);
  const v = await versionRow(store, body.node);
  if (!v) {
    throw new AppError("not_found", `No dataset version with id ${body.node}; flags go on dataset versions.`, [
      { path: "node", message: "expected an existing dataset version id" },
    ]);
  }
  const flagId = `flag-${randomUUID()}`;
  await append(
    store,
    flagEvent(v, { flagId, action: "add", kind: body.kind, severity: body.severity, reason: body.reason, by: actorOf(writer, body.by) }),
    sender,
  );
  return getFlag(store, flagId);
}

/**
 * Removes a flag: appends the removal event; the flag stays, with who removed it, when and why.
 * Only its creator or an admin may remove it (anyone in local demo mode, where nobody is known).
 */
export async function removeFlag(store: Store, body: RemoveFlagBody, writer: Principal): Promise<FlagView> {
  const sender = senderOf(writer, body.by);
  const flag = await getFlag(store, body.flagId);
  if (!flag.isActive) throw new AppError("gone", `Flag ${body.flagId} was already removed on ${flag.removedAt}.`);
  if (writer.kind !== "anonymous" && !writer.isAdmin && flag.by !== writer.sender) {
    throw new AppError("forbidden", `Only the flag's creator (${flag.by}) or an admin may remove it.`);
  }
  const v = await versionRow(store, flag.node);
  if (!v) throw new AppError("not_found", `The flagged version ${flag.node} is not in the store.`);
  await append(
    store,
    flagEvent(v, { flagId: body.flagId, action: "remove", reason: body.reason ?? "flag removed", by: actorOf(writer, body.by) }),
    sender,
  );
  return getFlag(store, body.flagId);
}

/** Flags, newest first: all of them, or those on one node; removed ones only when asked. */
export async function listFlags(db: Queryable, options: { node?: string; includeRemoved?: boolean } = {}): Promise<FlagView[]> {
  const where: string[] = [];
  const args: string[] = [];
  if (options.node) {
    where.push(`"versionKey" = ?`);
    args.push(options.node);
  }
  if (!options.includeRemoved) where.push(`"removedSeq" IS NULL`);
  const rows = await db.all<Flag>(
    `SELECT ${FLAG_COLUMNS} FROM "Flag" ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY "seq" DESC LIMIT 1000`,
    args,
  );
  return toView(db, rows);
}

/** What is flagged on one node, and what it inherits from upstream (as of a point in the log). */
export async function getNodeFlags(db: Queryable, node: string, asOfSeq?: number): Promise<NodeFlags> {
  const propagation = await getFlagPropagation(db, asOfSeq);
  const direct = (await listFlags(db, { node, includeRemoved: true })).filter((f) => asOfSeq === undefined || f.seq <= asOfSeq);
  const inherited = propagation.inherited.get(node) ?? [];
  const byId = new Map((await toView(db, propagation.flags)).map((f) => [f.flagId, f]));
  const fromLabels = await labels(db, inherited.map((i) => i.from));
  return {
    node,
    direct,
    inherited: inherited.flatMap((i) => {
      const flag = byId.get(i.flagId);
      if (!flag) return [];
      const fromLabel = fromLabels.get(i.from) ?? i.from;
      return [{ ...i, flag, fromLabel, description: describeInheritance(fromLabel, i.hops) }];
    }),
    isFlagged: propagation.flaggedKeys.has(node),
  };
}

/** Everything one flag reaches downstream: counts, models, outputs, and every node with its hops. */
export async function getFlagImpact(db: Queryable, flagId: string): Promise<FlagImpact> {
  const flag = await getFlag(db, flagId);
  // A removed flag's impact is what it reached while it was in force.
  const asOf = flag.removedSeq === null ? undefined : flag.removedSeq - 1;
  const propagation = await getFlagPropagation(db, asOf);
  const reached: { id: string; hops: number }[] = [];
  for (const [id, list] of propagation.inherited) {
    const mine = list.find((i) => i.flagId === flagId);
    if (mine) reached.push({ id, hops: mine.hops });
  }
  const hops = new Map(reached.map((r) => [r.id, r.hops]));
  const nodes = (await describeNodes(db, reached.map((r) => r.id))).map((n) => ({
    id: n.id,
    type: n.type,
    name: n.name,
    version: n.version,
    kind: n.kind,
    isFailed: n.isFailed,
    hops: hops.get(n.id) ?? 0,
  }));
  return { flag, summary: summariseImpact(nodes) };
}
