import "server-only";
import { createHash } from "node:crypto";
import type { Queryable } from "./store/types";
import { AppError } from "./errors";
import { readView, resolveViewPoint } from "./views";
import { getInstanceSigner, signStatement, type Signer } from "./signing";
import { toProvDocument, type ProvDocument, type ProvInput } from "@/lib/lineage/prov";
import { nodeId, runIdOf } from "@/lib/lineage/node-id";
import type { Direction, LineageGraph, ViewPoint } from "@/lib/lineage/types";
import { parseViewQuery, VIEW_DEFAULT_LIMIT, ViewQuerySchema, type ViewQuery, type ViewQueryInput } from "@/lib/schemas/view-query";
import { canonicalJson } from "@/lib/schemas/canonical";
import type { LogHeadRef, SignedStatement } from "@/lib/schemas/audit";
import { readFacets, readRunParameters } from "@/lib/schemas/columns";
import { getConfig } from "@/lib/config";

/**
 * Exports of a view: W3C PROV-JSON of its graph (versions and runs, or datasets and jobs), and the OpenLineage events behind it as
 * NDJSON (re-importable). Both are pinned to a log head (`asOf`, default the current head) and can
 * carry a signed attestation: the head, the view's parameters and the sha256 of the exported bytes.
 */

/** The view an export is of: the one view query (its `asOf` pins it; absent, the current head). */
export type ExportQuery = ViewQueryInput;

export type ExportKind = "prov-json" | "openlineage-ndjson";

export interface ExportStatement {
  type: "threadline/export";
  version: 1;
  kind: ExportKind;
  /** The exact view: focus, depth, direction, budget, expansions, pages and selection, and the event it is as of. */
  view: {
    nodeId: string;
    depth: number;
    direction: Direction;
    limit: number;
    asOf: number;
    expand: ViewQuery["expand"];
    /** How far wide fan-outs were paged; the rest of each fan-out was folded away, as on screen. */
    more: ViewQuery["more"];
    /** False when the view was drawn whole, every leaf of every fan-out included. */
    fold: boolean;
    selected: string | null;
  };
  head: LogHeadRef | null;
  /** sha256 (hex) of the exported bytes; for PROV-JSON, of canonicalJson(document without the attestation entity). */
  sha256: string;
  signedAt: string;
  keyId: string | null;
}

/** The PROV entity an exported document carries its attestation in. */
export const PROV_ATTESTATION_ID = "tl:attestation";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

interface Pinned {
  head: LogHeadRef | null;
  view: ExportStatement["view"];
  point: ViewPoint;
}

/** The head an export is pinned to (asOf, or now), and the view's parameters with it. */
async function pin(db: Queryable, query: ViewQuery): Promise<Pinned> {
  const point = await resolveViewPoint(db, query.asOf);
  return {
    point,
    head: point.seq > 0 ? { seq: point.seq, hash: point.hash } : null,
    view: {
      nodeId: query.node,
      depth: query.depth,
      direction: query.direction,
      limit: query.limit ?? VIEW_DEFAULT_LIMIT,
      asOf: point.seq,
      expand: query.expand,
      more: query.more,
      fold: query.fold,
      selected: query.selected,
    },
  };
}

function attest(kind: ExportKind, pinned: Pick<Pinned, "head" | "view">, sha256: string, signer: Signer | null): SignedStatement<ExportStatement> {
  return signStatement<ExportStatement>(
    {
      type: "threadline/export",
      version: 1,
      kind,
      view: pinned.view,
      head: pinned.head,
      sha256,
      signedAt: new Date().toISOString(),
      keyId: signer?.keyId ?? null,
    },
    signer,
  );
}

// ---------------------------------------------------------------------------------------------
// PROV-JSON
// ---------------------------------------------------------------------------------------------

function ownersOf(facets: Record<string, unknown>): string[] {
  const o = facets.ownership as { owners?: unknown } | undefined;
  if (!o || !Array.isArray(o.owners)) return [];
  return o.owners.flatMap((x) => (x && typeof x === "object" && typeof (x as { name?: unknown }).name === "string" ? [(x as { name: string }).name] : []));
}

/**
 * The plain data the PROV mapping needs, read from the projection for the graph's nodes: versions
 * and runs of a version-graph view, datasets and jobs of an entity-graph view (as their cards show
 * them, from the graph itself, with their owners from the store).
 */
export async function provInputOf(db: Queryable, graph: LineageGraph): Promise<ProvInput> {
  const keys = db.dialect.jsonValues("text");
  const ownersBy = async (table: "Dataset" | "Job", list: string[]) =>
    new Map(
      (await db.all<{ key: string; facets: string }>(`SELECT t."key", t."facets" FROM "${table}" t WHERE t."key" IN ${keys}`, [JSON.stringify(list)])).map(
        (row) => [row.key, ownersOf(readFacets(row.facets))],
      ),
    );
  const datasetNodes = graph.nodes.filter((n) => n.type === "dataset");
  const jobNodes = graph.nodes.filter((n) => n.type === "job");
  const datasetOwners = await ownersBy("Dataset", datasetNodes.map((n) => n.id));
  const jobOwners = await ownersBy("Job", jobNodes.map((n) => n.id));
  const versionKeys = graph.nodes.filter((n) => n.type === "datasetVersion").map((n) => n.id);
  const runKeys = graph.nodes.filter((n) => n.type === "run").map((n) => n.id);
  // In the order the list gives, as the JSON list's join gave them before.
  const order = <T>(rows: T[], list: string[], keyOf: (row: T) => string) => {
    const at = new Map(list.map((k, i) => [k, i]));
    return rows.sort((a, b) => (at.get(keyOf(a)) ?? 0) - (at.get(keyOf(b)) ?? 0));
  };
  const versions = order(
    await db.all<{
      key: string; version: string; createdAt: string; contentHash: string | null; isFailed: boolean | number; isSynthetic: boolean | number;
      reason: string | null; facets: string; datasetFacets: string; kind: string; namespace: string; name: string;
    }>(
      `SELECT v."key", v."version", v."createdAt", v."contentHash", v."isFailed", v."isSynthetic", v."reason", v."facets",
              d."facets" AS "datasetFacets", d."kind", d."namespace", d."name"
       FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey" WHERE v."key" IN ${keys}`,
      [JSON.stringify(versionKeys)],
    ),
    versionKeys,
    (v) => v.key,
  );
  const runIds = runKeys.map(runIdOf);
  const runs = order(
    await db.all<{
      runId: string; jobKey: string; state: string; startedAt: string | null; endedAt: string | null; parameters: string;
      reason: string | null; errorMessage: string | null; jobFacets: string; jobNamespace: string; jobName: string; jobOwnFacets: string;
    }>(
      `SELECT r."runId", r."jobKey", r."state", r."startedAt", r."endedAt", r."parameters", r."reason", r."errorMessage", r."jobFacets",
              jb."namespace" AS "jobNamespace", jb."name" AS "jobName", jb."facets" AS "jobOwnFacets"
       FROM "Run" r JOIN "Job" jb ON jb."key" = r."jobKey" WHERE r."runId" IN ${keys}`,
      [JSON.stringify(runIds)],
    ),
    runIds,
    (r) => r.runId,
  );
  const producers = new Map<string, string[]>();
  for (const row of await db.all<{ runId: string; producer: string }>(
    `SELECT DISTINCT "runId", "producer" FROM "Event" WHERE "runId" IN ${keys} AND "producer" IS NOT NULL ORDER BY "producer"`,
    [JSON.stringify(runIds)],
  )) {
    producers.set(row.runId, [...(producers.get(row.runId) ?? []), row.producer]);
  }
  return {
    versions: versions.map((v) => ({
      id: v.key,
      namespace: v.namespace,
      name: v.name,
      version: v.version,
      kind: v.kind,
      createdAt: v.createdAt,
      contentHash: v.contentHash,
      isFailed: Boolean(v.isFailed),
      isSynthetic: Boolean(v.isSynthetic),
      reason: v.reason,
      owners: ownersOf({ ...readFacets(v.datasetFacets), ...readFacets(v.facets) }),
    })),
    runs: runs.map((r) => ({
      id: nodeId.run(r.runId),
      runId: r.runId,
      job: {
        id: r.jobKey,
        namespace: r.jobNamespace,
        name: r.jobName,
        owners: ownersOf({ ...readFacets(r.jobOwnFacets), ...readFacets(r.jobFacets) }),
      },
      state: r.state,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      parameters: readRunParameters(r.parameters),
      reason: r.reason,
      errorMessage: r.errorMessage,
      producers: producers.get(r.runId) ?? [],
    })),
    datasets: datasetNodes.map((n) => ({
      id: n.id,
      namespace: n.namespace,
      name: n.name,
      kind: n.kind,
      latestVersion: n.version,
      isFailed: n.isFailed,
      isSynthetic: n.isSynthetic,
      owners: datasetOwners.get(n.id) ?? [],
    })),
    jobs: jobNodes.map((n) => ({ id: n.id, namespace: n.namespace, name: n.name, kind: n.kind, state: n.state, owners: jobOwners.get(n.id) ?? [] })),
    edges: graph.edges,
  };
}

export interface ProvExport {
  document: ProvDocument;
  graph: LineageGraph;
  attestation: SignedStatement<ExportStatement>;
}

/**
 * PROV-JSON of a neighbourhood. The returned document embeds its attestation as the entity
 * `tl:attestation` (statement as canonical JSON text, signature, public key); the attested sha256
 * covers canonicalJson(document) without that entity, so the embedding does not change it.
 */
/**
 * Built in phases (walk, read, map, hash) with a turn of the event loop between them, so a
 * 2,000-node export lets other requests through instead of holding the event loop for its whole
 * build.
 */
export async function buildProvExport(db: Queryable, input: ExportQuery, signer?: Signer | null): Promise<ProvExport> {
  const query = ViewQuerySchema.parse(input);
  const key = signer === undefined ? await getInstanceSigner(db) : signer;
  const pinned = await pin(db, query);
  await nextTurn();
  // The view itself, in its own granularity: a dataset or job focus exports the entity graph on screen.
  const { graph, store } = await readView(db, query, pinned.point);
  await nextTurn();
  const provInput = await provInputOf(store, graph);
  await nextTurn();
  const document = toProvDocument(provInput);
  await nextTurn();
  const attestation = attest("prov-json", pinned, sha256Hex(canonicalJson(document)), key);
  const entity: ProvDocument["entity"] = {
    ...document.entity,
    [PROV_ATTESTATION_ID]: {
      "prov:type": { $: "tl:Attestation", type: "prov:QUALIFIED_NAME" },
      "prov:label": attestation.signature ? "Signed Threadline export attestation" : "Threadline export attestation (unsigned)",
      "tl:statement": canonicalJson(attestation.statement),
      "tl:algorithm": attestation.algorithm,
      ...(attestation.signature ? { "tl:signature": attestation.signature } : {}),
      ...(attestation.publicKey ? { "tl:publicKey": attestation.publicKey } : {}),
    },
  };
  return { document: { ...document, entity }, graph, attestation };
}

// ---------------------------------------------------------------------------------------------
// OpenLineage NDJSON
// ---------------------------------------------------------------------------------------------

/**
 * The events behind a view, in log order: every event that touched a node of the view (EventNode),
 * plus the event that created each node those events touched. The second set matters on the view's
 * edge: a run that read "the latest version" of a dataset resolves to the same version in an empty
 * store only if the event that created that version comes along.
 */
export async function selectViewEvents(
  db: Queryable,
  input: ExportQuery,
): Promise<{ seqs: number[]; graph: LineageGraph; head: LogHeadRef | null; view: ExportStatement["view"] }> {
  const query = ViewQuerySchema.parse(input);
  const pinned = await pin(db, query);
  const asOf = pinned.view.asOf;
  const { graph } = await readView(db, query, pinned.point);
  const keys = JSON.stringify(graph.nodes.map((n) => n.id));
  const rows = await db.all<{ seq: number }>(
    `WITH "viewNodes" AS (SELECT n."id" FROM "Node" n WHERE n."key" IN ${db.dialect.jsonValues("text")}),
          "touching" AS (SELECT DISTINCT en."seq" FROM "viewNodes" v JOIN "EventNode" en ON en."nodeId" = v."id" WHERE en."seq" <= ?),
          "creators" AS (SELECT DISTINCT n."seq" FROM "touching" t JOIN "EventNode" en ON en."seq" = t."seq" JOIN "Node" n ON n."id" = en."nodeId" WHERE n."seq" <= ?)
     SELECT "seq" FROM "touching" UNION SELECT "seq" FROM "creators" ORDER BY "seq"`,
    [keys, asOf, asOf],
  );
  return { seqs: rows.map((r) => r.seq), graph, head: pinned.head, view: pinned.view };
}

/** The canonical payloads (exactly what the chain hashed) of these events, one per line. */
export async function eventsAsNdjson(db: Queryable, seqs: readonly number[]): Promise<string> {
  let out = "";
  for (let i = 0; i < seqs.length; i += 1000) {
    const rows = await db.all<{ payload: string }>(`SELECT "payload" FROM "Event" WHERE "seq" IN ${db.dialect.jsonValues("integer")} ORDER BY "seq"`, [
      JSON.stringify(seqs.slice(i, i + 1000)),
    ]);
    for (const row of rows) out += `${row.payload}\n`;
  }
  return out;
}

export interface EventsExport {
  body: string;
  seqs: number[];
  graph: LineageGraph;
  attestation: SignedStatement<ExportStatement>;
}

/** NDJSON of the events behind a view, with the attestation of exactly these bytes. */
export async function buildEventsExport(db: Queryable, query: ExportQuery, signer?: Signer | null): Promise<EventsExport> {
  const key = signer === undefined ? await getInstanceSigner(db) : signer;
  const selected = await selectViewEvents(db, query);
  const body = await eventsAsNdjson(db, selected.seqs);
  const attestation = attest("openlineage-ndjson", { head: selected.head, view: selected.view }, sha256Hex(body), key);
  return { body, seqs: selected.seqs, graph: selected.graph, attestation };
}

/**
 * The view an export request names: the one view query (`nodeId` or `node`, depth, direction, limit,
 * expand, selected, asOf), within the export's node budget (THREADLINE_EXPORT_MAX_NODES, 422).
 */
export function parseExportQuery(url: URL): ViewQuery {
  const query = parseViewQuery(url.searchParams);
  const maxNodes = getConfig().THREADLINE_EXPORT_MAX_NODES;
  const limit = query.limit ?? 0;
  if (limit > maxNodes) {
    throw new AppError(
      "view_too_large",
      `An export may hold at most ${maxNodes.toLocaleString("en-US")} nodes (THREADLINE_EXPORT_MAX_NODES); this one asks for ${limit.toLocaleString("en-US")}. Narrow the view: a lower limit or depth, or one direction.`,
      [{ path: "limit", message: `at most ${maxNodes}` }],
    );
  }
  return query;
}

/**
 * Refuses an export whose bytes exceed THREADLINE_EXPORT_MAX_BYTES (413), naming the limit and how
 * to narrow the view: a view within the node budget can still carry huge facets.
 */
export function checkExportSize(text: string): void {
  const max = getConfig().THREADLINE_EXPORT_MAX_BYTES;
  const bytes = Buffer.byteLength(text);
  if (bytes > max) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new AppError(
      "payload_too_large",
      `This export is ${mb(bytes)}, over the limit of ${mb(max)} (THREADLINE_EXPORT_MAX_BYTES). Narrow the view: a lower limit or depth, or one direction.`,
    );
  }
}

/** A file name for an export: the node's last name segment, safe on every file system. */
export function exportFileName(nodeId: string, extension: string): string {
  const base = nodeId.split(/[:/]/).filter(Boolean).slice(-2).join("-").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return `threadline-${base || "export"}.${extension}`;
}

/**
 * The answer of a PROV export: the document (already serialised, so its size could be checked),
 * its head in Threadline-Head-Seq, and a file name when `?download=1`.
 */
export function provExportResponse(text: string, built: Pick<ProvExport, "attestation">, nodeId: string, url: URL, baseHeaders: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    ...baseHeaders,
    "Content-Type": "application/json; charset=utf-8",
    "Threadline-Head-Seq": String(built.attestation.statement.head?.seq ?? 0),
  };
  if (url.searchParams.get("download") === "1") headers["Content-Disposition"] = `attachment; filename="${exportFileName(nodeId, "prov.json")}"`;
  return new Response(text, { headers });
}

/**
 * The HTTP answer for an NDJSON export, the same for a live view and a share: the events, or with
 * `?attestation=1` their attestation; `?download=1` names the file. `baseHeaders` go on either.
 */
export function eventsExportResponse(built: EventsExport, nodeId: string, url: URL, baseHeaders: Record<string, string> = {}): Response {
  const isDownload = url.searchParams.get("download") === "1";
  const { body, seqs, attestation } = built;
  if (url.searchParams.get("attestation") === "1") {
    return Response.json(attestation, {
      headers: {
        ...baseHeaders,
        ...(isDownload ? { "Content-Disposition": `attachment; filename="${exportFileName(nodeId, "ndjson.attestation.json")}"` } : {}),
      },
    });
  }
  const headers: Record<string, string> = {
    ...baseHeaders,
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Threadline-Head-Seq": String(attestation.statement.view.asOf),
    "Threadline-Event-Count": String(seqs.length),
    "Threadline-Content-Sha256": attestation.statement.sha256,
  };
  if (isDownload) headers["Content-Disposition"] = `attachment; filename="${exportFileName(nodeId, "ndjson")}"`;
  return new Response(body, { headers });
}
