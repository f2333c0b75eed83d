import "server-only";
import { createHash } from "node:crypto";
import { streamBody } from "./http";
import { versionSignatures } from "./signers";
import type { Queryable } from "./store/types";
import { nodeId } from "@/lib/lineage/node-id";
import type { RunParameter } from "@/lib/lineage/types";
import type { ProvenanceAnswer, ProvenanceMatch, SignatureInfo, VersionRef } from "@/lib/lineage/provenance";

export type { ProvenanceAnswer, ProvenanceMatch, VersionRef };
import { readRunParameters } from "@/lib/schemas/columns";
import type { WatermarkRef } from "@/lib/lineage/provenance";

/**
 * "Where did this file come from?": digest and watermark lookups over the provenance projection
 * (ArtefactDigest, ArtefactWatermark), each match told as the version it belongs to, the run and
 * job that produced it, the models and prompts behind it, the run's parameters and inputs, and the
 * producer signature's status. Every step is an index probe: the digest is the leading column of
 * ArtefactDigest's primary key, versions, runs and run inputs are read by key.
 */

/** At most this many matches in one answer (the same bytes in many versions is rare). */
const MAX_MATCHES = 50;
/** How far the walk for models and prompts goes upstream, in runs, and how many versions it reads. */
const UPSTREAM_RUNS = 12;
const UPSTREAM_VERSIONS = 400;

interface VersionRow {
  key: string;
  version: string;
  producedByRunId: string | null;
  contentHash: string | null;
  namespace: string;
  name: string;
  kind: string;
}

const VERSION_SELECT = `SELECT v."key", v."version", v."producedByRunId", v."contentHash", d."namespace", d."name", d."kind"
  FROM "DatasetVersion" v JOIN "Dataset" d ON d."key" = v."datasetKey"`;

function refOf(row: VersionRow): VersionRef {
  return { nodeId: row.key, namespace: row.namespace, name: row.name, version: row.version, kind: row.kind, contentHash: row.contentHash };
}

async function runInputs(q: Queryable, runId: string): Promise<VersionRow[]> {
  return q.all<VersionRow>(
    `SELECT v."key", v."version", v."producedByRunId", v."contentHash", d."namespace", d."name", d."kind"
     FROM "RunDataset" rd JOIN "DatasetVersion" v ON v."key" = rd."datasetVersionKey" JOIN "Dataset" d ON d."key" = v."datasetKey"
     WHERE rd."runId" = ? AND rd."direction" = 'input' ORDER BY d."namespace", d."name", v."version"`,
    [runId],
  );
}

/**
 * The models and prompts behind a run: its inputs of type MODEL or PROMPT, and, through inputs of
 * other types, those of the runs that made them, breadth first (nearest first). The walk stops at
 * a model or prompt: a checkpoint's own training lineage is the checkpoint's story, one click away.
 */
async function modelsAndPrompts(q: Queryable, runId: string, direct: VersionRow[]): Promise<{ models: VersionRef[]; prompts: VersionRef[] }> {
  const models: VersionRef[] = [];
  const prompts: VersionRef[] = [];
  const seen = new Set<string>();
  const seenRuns = new Set<string>([runId]);
  let frontier = direct;
  for (let depth = 0; depth < UPSTREAM_RUNS && frontier.length > 0 && seen.size < UPSTREAM_VERSIONS; depth++) {
    const next: VersionRow[] = [];
    for (const row of frontier) {
      if (seen.has(row.key)) continue;
      seen.add(row.key);
      if (row.kind === "model") models.push(refOf(row));
      else if (row.kind === "prompt") prompts.push(refOf(row));
      else if (row.producedByRunId && !seenRuns.has(row.producedByRunId)) {
        seenRuns.add(row.producedByRunId);
        next.push(...(await runInputs(q, row.producedByRunId)));
      }
    }
    frontier = next;
  }
  return { models, prompts };
}

interface DigestRow {
  versionKey: string;
  file: string;
  mediaType: string | null;
  size: number | null;
}

async function describeMatches(q: Queryable, hits: DigestRow[], watermarks: Map<string, ProvenanceMatch["watermark"]>): Promise<ProvenanceMatch[]> {
  const signatures = await versionSignatures(q, [...new Set(hits.map((h) => h.versionKey))]);
  const matches: ProvenanceMatch[] = [];
  for (const hit of hits) {
    const match = await describeHit(q, hit, signatures.get(hit.versionKey), watermarks.get(hit.versionKey) ?? null);
    if (match) matches.push(match);
  }
  return matches;
}

/**
 * One dataset version (and, given `file`, one of its files) told as a lookup tells a match; null
 * when there is no such version or file. The manifest is built from it.
 */
export async function describeVersion(q: Queryable, versionKey: string, file?: string): Promise<ProvenanceMatch | null> {
  const hit = file
    ? await q.get<DigestRow>(`SELECT "versionKey", "file", "mediaType", "size" FROM "ArtefactDigest" WHERE "versionKey" = ? AND "file" = ? LIMIT 1`, [versionKey, file])
    : { versionKey, file: "", mediaType: null, size: null };
  if (!hit) return null;
  const signature = (await versionSignatures(q, [versionKey])).get(versionKey);
  return describeHit(q, hit, signature, (await watermarksOf(q, [versionKey])).get(versionKey) ?? null);
}

async function describeHit(q: Queryable, hit: DigestRow, signature: SignatureInfo | undefined, watermark: ProvenanceMatch["watermark"]): Promise<ProvenanceMatch | null> {
  const version = await q.get<VersionRow>(`${VERSION_SELECT} WHERE v."key" = ?`, [hit.versionKey]);
  if (!version) return null;
  let producedBy: ProvenanceMatch["producedBy"] = null;
  let parameters: RunParameter[] = [];
  let inputs: VersionRow[] = [];
  let upstream: { models: VersionRef[]; prompts: VersionRef[] } = { models: [], prompts: [] };
  if (version.producedByRunId) {
    const run = await q.get<{ runId: string; jobKey: string; state: string; startedAt: string | null; endedAt: string | null; parameters: string; jobName: string }>(
      `SELECT r."runId", r."jobKey", r."state", r."startedAt", r."endedAt", r."parameters", j."name" AS "jobName"
       FROM "Run" r JOIN "Job" j ON j."key" = r."jobKey" WHERE r."runId" = ?`,
      [version.producedByRunId],
    );
    if (run) {
      producedBy = { runId: run.runId, runNodeId: nodeId.run(run.runId), jobId: run.jobKey, jobName: run.jobName, state: run.state, startedAt: run.startedAt, endedAt: run.endedAt };
      parameters = readRunParameters(run.parameters);
      inputs = await runInputs(q, run.runId);
      upstream = await modelsAndPrompts(q, run.runId, inputs);
    }
  }
  return {
    ...refOf(version),
    file: hit.file === "" ? null : hit.file,
    mediaType: hit.mediaType,
    size: hit.size === null ? null : Number(hit.size),
    producedBy,
    ...upstream,
    parameters,
    inputs: inputs.map(refOf),
    signature: signature ?? { status: "unsigned", signerKeyId: null, signerName: null },
    watermark,
  };
}

async function watermarksOf(q: Queryable, versionKeys: readonly string[]): Promise<Map<string, ProvenanceMatch["watermark"]>> {
  const out = new Map<string, ProvenanceMatch["watermark"]>();
  for (const key of versionKeys) {
    const row = await q.get<{ scheme: string; payload: string; keyId: string | null }>(
      `SELECT "scheme", "payload", "keyId" FROM "ArtefactWatermark" WHERE "versionKey" = ?`,
      [key],
    );
    if (row) out.set(key, row);
  }
  return out;
}

/** The artefacts whose digest is `digest` (already normalised: sha256:<64 lowercase hex>). */
export async function lookupDigest(q: Queryable, digest: string): Promise<ProvenanceAnswer> {
  const hits = await q.all<DigestRow>(
    `SELECT "versionKey", "file", "mediaType", "size" FROM "ArtefactDigest" WHERE "digest" = ? ORDER BY "versionKey", "file" LIMIT ?`,
    [digest, MAX_MATCHES + 1],
  );
  const shown = hits.slice(0, MAX_MATCHES);
  const watermarks = await watermarksOf(q, [...new Set(shown.map((h) => h.versionKey))]);
  return { digest, matches: await describeMatches(q, shown, watermarks), isTruncated: hits.length > MAX_MATCHES };
}

/** The versions whose content carries the watermark `<scheme>:<payload>`. */
export async function lookupWatermark(q: Queryable, watermark: WatermarkRef): Promise<ProvenanceAnswer> {
  const rows = await q.all<{ versionKey: string; keyId: string | null }>(
    `SELECT "versionKey", "keyId" FROM "ArtefactWatermark" WHERE "scheme" = ? AND "payload" = ? ORDER BY "versionKey" LIMIT ?`,
    [watermark.scheme, watermark.payload, MAX_MATCHES + 1],
  );
  const shown = rows.slice(0, MAX_MATCHES);
  const marks = new Map(shown.map((r) => [r.versionKey, { ...watermark, keyId: r.keyId }]));
  const hits = shown.map((r) => ({ versionKey: r.versionKey, file: "", mediaType: null, size: null }));
  return { watermark: `${watermark.scheme}:${watermark.payload}`, matches: await describeMatches(q, hits, marks), isTruncated: rows.length > MAX_MATCHES };
}

/**
 * SHA-256 of a request body, hashed chunk by chunk as it arrives (a large artefact never sits
 * whole in memory), within the lookup's size limit.
 */
export async function digestOfBody(request: Request, maxBytes: number, timeoutMs: number): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  const size = await streamBody(request, maxBytes, timeoutMs, (chunk) => hash.update(chunk));
  return { digest: `sha256:${hash.digest("hex")}`, size };
}
