/**
 * W3C PROV-JSON (https://www.w3.org/submissions/prov-json/) of a lineage view, in the view's own
 * granularity. Pure: plain data in, a PROV document out, deterministic (records and relation ids sorted).
 *
 * Mapping of a version-graph view:
 * - a dataset version is a `prov:Entity` (`tl:DatasetVersion`), identified `tlv:<namespace>:<name>:<version>`;
 * - a run is a `prov:Activity` (`tl:Run`) with its times, state and parameters, `tlr:<runId>`;
 * - a job is a `prov:Plan` entity (`tlj:...`): the recipe a run followed;
 * Mapping of an entity-graph view (what the screen shows for a dataset or job focus):
 * - a dataset is a `prov:Entity` (`tl:Dataset`, `tld:<namespace>:<name>`) with the latest version
 *   the card shows, and its failed / synthetic state;
 * - a job is a `prov:Activity` (`tl:Job`, `tlj:<namespace>:<name>`) standing for all its runs, with
 *   its latest run's state; it has no times of its own;
 * Both:
 * - owners (the OpenLineage `ownership` facet) and producers (the event's `producer` URI, the
 *   software that emitted the lineage) are agents: `team:` owners are prov:Organization, `user:`
 *   owners prov:Person, producers prov:SoftwareAgent;
 * - relations: `used` (activity read entity), `wasGeneratedBy` (activity wrote entity),
 *   `wasDerivedFrom` (each output of an activity from each of its inputs, through it),
 *   `wasAssociatedWith` (run with its producer, plan = job; run or job with the job's owners, role
 *   tl:owner) and `wasAttributedTo` (version or dataset to its dataset's owners).
 * Identifiers keep the Threadline node id readable; characters PROV-N does not allow in a local
 * name are percent-encoded.
 */
import type { RunParameter } from "./types";

/**
 * Prefixes the document declares. `prov` and `xsd` are predefined by PROV-JSON and therefore not
 * redeclared; every other prefix an identifier or attribute uses is here.
 */
export const PROV_PREFIXES = {
  tl: "https://threadline.dev/ns/prov#",
  tlv: "urn:threadline:datasetVersion:",
  tlr: "urn:threadline:run:",
  tlj: "urn:threadline:job:",
  tld: "urn:threadline:dataset:",
  tlo: "urn:threadline:owner:",
  tlp: "urn:threadline:producer:",
} as const;

export interface ProvVersionInput {
  /** Threadline node id: datasetVersion:<namespace>:<name>:<version>. */
  id: string;
  namespace: string;
  name: string;
  version: string;
  kind: string | null;
  createdAt: string | null;
  contentHash: string | null;
  isFailed: boolean;
  isSynthetic: boolean;
  reason: string | null;
  owners: string[];
}

export interface ProvRunInput {
  /** Threadline node id: run:<runId>. */
  id: string;
  runId: string;
  job: { id: string; namespace: string; name: string; owners: string[] };
  state: string;
  startedAt: string | null;
  endedAt: string | null;
  parameters: RunParameter[];
  reason: string | null;
  errorMessage: string | null;
  /** Producer URIs of the events that reported this run. */
  producers: string[];
}

/** A dataset of an entity-graph view, as its card shows it. */
export interface ProvDatasetInput {
  /** Threadline node id: dataset:<namespace>:<name>. */
  id: string;
  namespace: string;
  name: string;
  kind: string | null;
  /** The latest version as of the view's point. */
  latestVersion: string | null;
  isFailed: boolean;
  isSynthetic: boolean;
  owners: string[];
}

/** A job of an entity-graph view, as its card shows it. */
export interface ProvJobInput {
  /** Threadline node id: job:<namespace>:<name>. */
  id: string;
  namespace: string;
  name: string;
  kind: string | null;
  /** Its latest run's state as of the view's point. */
  state: string | null;
  owners: string[];
}

export interface ProvInput {
  versions: ProvVersionInput[];
  runs: ProvRunInput[];
  /** The datasets and jobs of an entity-graph view (absent in a version-graph view). */
  datasets?: ProvDatasetInput[];
  jobs?: ProvJobInput[];
  /**
   * The view's edges: version -> run (the run read it), run -> version (the run wrote it); in an
   * entity graph dataset -> job and job -> dataset alike.
   */
  edges: { source: string; target: string }[];
}

/** A PROV-JSON value: a plain literal or a typed one (`{ "$": "prov:Plan", "type": "prov:QUALIFIED_NAME" }`). */
export type ProvValue = string | number | boolean | { $: string; type: string } | ProvValue[];
export type ProvRecord = Record<string, ProvValue>;

export interface ProvDocument {
  prefix: Record<string, string>;
  entity: Record<string, ProvRecord>;
  activity: Record<string, ProvRecord>;
  agent: Record<string, ProvRecord>;
  used: Record<string, ProvRecord>;
  wasGeneratedBy: Record<string, ProvRecord>;
  wasDerivedFrom: Record<string, ProvRecord>;
  wasAssociatedWith: Record<string, ProvRecord>;
  wasAttributedTo: Record<string, ProvRecord>;
}

const qualified = (name: string) => ({ $: name, type: "prov:QUALIFIED_NAME" });

/**
 * What every record of a named node starts with: its PROV type, its label (the name unless said),
 * and the node's Threadline identity, so a reader can map the record back to the explorer.
 */
function identityOf(type: string, node: { id: string; namespace: string; name: string }, label = node.name): ProvRecord {
  return { "prov:type": qualified(type), "prov:label": label, "tl:nodeId": node.id, "tl:namespace": node.namespace, "tl:name": node.name };
}

/**
 * A qualified name `prefix:local`. The local part keeps letters, digits and `_-.:/@~` (all legal in
 * a PROV-N local name) and percent-encodes the rest, so ids with spaces or `=` stay valid.
 */
export function provName(prefix: keyof typeof PROV_PREFIXES | "prov" | "xsd", local: string): string {
  const encoded = Array.from(local)
    .map((c) => (/[A-Za-z0-9_\-.:/@~]/.test(c) ? c : encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`)))
    .join("");
  // A local name may not end with '.'.
  return `${prefix}:${encoded.endsWith(".") ? `${encoded.slice(0, -1)}%2E` : encoded}`;
}

const versionName = (id: string) => provName("tlv", id.replace(/^datasetVersion:/, ""));
const runName = (runId: string) => provName("tlr", runId);
const jobName = (jobId: string) => provName("tlj", jobId.replace(/^job:/, ""));
const datasetName = (id: string) => provName("tld", id.replace(/^dataset:/, ""));
const ownerName = (owner: string) => provName("tlo", owner);
const producerName = (uri: string) => provName("tlp", uri);

function ownerType(owner: string): string {
  if (/^team:/i.test(owner)) return "prov:Organization";
  if (/^user:/i.test(owner)) return "prov:Person";
  return "prov:Agent";
}

function sortRecords(records: Record<string, ProvRecord>): Record<string, ProvRecord> {
  return Object.fromEntries(Object.entries(records).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Numbers relations in a stable order: `_:used1`, `_:used2`, ... after sorting their contents. */
function numberRelations(kind: string, records: ProvRecord[]): Record<string, ProvRecord> {
  const keyed = records.map((r) => ({ r, k: JSON.stringify(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const out: Record<string, ProvRecord> = {};
  let previous: string | null = null;
  let n = 0;
  for (const { r, k } of keyed) {
    if (k === previous) continue;
    previous = k;
    out[`_:${kind}${++n}`] = r;
  }
  return out;
}

/** The PROV-JSON document of a view: versions and runs, or datasets and jobs (see the module comment). */
export function toProvDocument(input: ProvInput): ProvDocument {
  const versions = new Map(input.versions.map((v) => [v.id, v]));
  const runs = new Map(input.runs.map((r) => [r.id, r]));
  const datasets = new Map((input.datasets ?? []).map((d) => [d.id, d]));
  const jobs = new Map((input.jobs ?? []).map((j) => [j.id, j]));
  const entity: Record<string, ProvRecord> = {};
  const activity: Record<string, ProvRecord> = {};
  const agent: Record<string, ProvRecord> = {};
  const used: ProvRecord[] = [];
  const generated: ProvRecord[] = [];
  const derived: ProvRecord[] = [];
  const associated: ProvRecord[] = [];
  const attributed: ProvRecord[] = [];

  const addOwner = (owner: string) => {
    agent[ownerName(owner)] ??= { "prov:type": qualified(ownerType(owner)), "prov:label": owner };
    return ownerName(owner);
  };

  for (const v of versions.values()) {
    const record: ProvRecord = {
      ...identityOf("tl:DatasetVersion", v, `${v.name}@${v.version}`),
      "tl:version": v.version,
      "tl:isFailed": v.isFailed,
      "tl:isSynthetic": v.isSynthetic,
    };
    if (v.kind) record["tl:kind"] = v.kind;
    if (v.createdAt) record["tl:createdAt"] = { $: v.createdAt, type: "xsd:dateTime" };
    if (v.contentHash) record["tl:contentHash"] = v.contentHash;
    if (v.reason) record["tl:reason"] = v.reason;
    entity[versionName(v.id)] = record;
    for (const owner of v.owners) attributed.push({ "prov:entity": versionName(v.id), "prov:agent": addOwner(owner) });
  }

  for (const r of runs.values()) {
    const record: ProvRecord = {
      "prov:type": qualified("tl:Run"),
      "prov:label": `${r.job.name} run ${r.runId.slice(0, 8)}`,
      "tl:nodeId": r.id,
      "tl:runId": r.runId,
      "tl:job": r.job.id,
      "tl:state": r.state,
    };
    if (r.startedAt) record["prov:startTime"] = r.startedAt;
    if (r.endedAt) record["prov:endTime"] = r.endedAt;
    if (r.parameters.length > 0) record["tl:parameter"] = r.parameters.map((p) => `${p.key}=${p.value}`);
    if (r.reason) record["tl:reason"] = r.reason;
    if (r.errorMessage) record["tl:errorMessage"] = r.errorMessage;
    activity[runName(r.runId)] = record;

    const plan = jobName(r.job.id);
    entity[plan] ??= identityOf("prov:Plan", r.job);
    for (const producer of r.producers) {
      agent[producerName(producer)] ??= { "prov:type": qualified("prov:SoftwareAgent"), "prov:label": producer };
      associated.push({ "prov:activity": runName(r.runId), "prov:agent": producerName(producer), "prov:plan": plan });
    }
    for (const owner of r.job.owners) {
      associated.push({ "prov:activity": runName(r.runId), "prov:agent": addOwner(owner), "prov:role": qualified("tl:owner") });
    }
  }

  for (const d of datasets.values()) {
    const record: ProvRecord = {
      ...identityOf("tl:Dataset", d),
      "tl:isFailed": d.isFailed,
      "tl:isSynthetic": d.isSynthetic,
    };
    if (d.kind) record["tl:kind"] = d.kind;
    if (d.latestVersion) record["tl:latestVersion"] = d.latestVersion;
    entity[datasetName(d.id)] = record;
    for (const owner of d.owners) attributed.push({ "prov:entity": datasetName(d.id), "prov:agent": addOwner(owner) });
  }

  for (const j of jobs.values()) {
    const record = identityOf("tl:Job", j);
    if (j.kind) record["tl:kind"] = j.kind;
    if (j.state) record["tl:state"] = j.state;
    activity[jobName(j.id)] = record;
    for (const owner of j.owners) {
      associated.push({ "prov:activity": jobName(j.id), "prov:agent": addOwner(owner), "prov:role": qualified("tl:owner") });
    }
  }

  // Inputs and outputs of each activity within the view, from the view's edges. Appended in place:
  // copying the list per edge made a run with thousands of inputs quadratic.
  const entityNames = new Map<string, string>([
    ...[...versions.keys()].map((id) => [id, versionName(id)] as const),
    ...[...datasets.keys()].map((id) => [id, datasetName(id)] as const),
  ]);
  const activities = new Map<string, { name: string; startedAt: string | null; endedAt: string | null }>([
    ...[...runs.values()].map((r) => [r.id, { name: runName(r.runId), startedAt: r.startedAt, endedAt: r.endedAt }] as const),
    ...[...jobs.keys()].map((id) => [id, { name: jobName(id), startedAt: null, endedAt: null }] as const),
  ]);
  const inputsOf = new Map<string, string[]>();
  const outputsOf = new Map<string, string[]>();
  const append = (into: Map<string, string[]>, key: string, value: string) => {
    const list = into.get(key);
    if (list) list.push(value);
    else into.set(key, [value]);
  };
  for (const e of input.edges) {
    if (entityNames.has(e.source) && activities.has(e.target)) append(inputsOf, e.target, e.source);
    else if (activities.has(e.source) && entityNames.has(e.target)) append(outputsOf, e.source, e.target);
  }
  for (const [id, act] of activities) {
    const inputs = (inputsOf.get(id) ?? []).map((i) => entityNames.get(i)!);
    const outputs = outputsOf.get(id) ?? [];
    for (const i of inputs) {
      const rec: ProvRecord = { "prov:activity": act.name, "prov:entity": i };
      if (act.startedAt) rec["prov:time"] = act.startedAt;
      used.push(rec);
    }
    for (const o of outputs) {
      const out = entityNames.get(o)!;
      const rec: ProvRecord = { "prov:entity": out, "prov:activity": act.name };
      const time = act.endedAt ?? versions.get(o)?.createdAt;
      if (time) rec["prov:time"] = time;
      generated.push(rec);
      for (const i of inputs) derived.push({ "prov:generatedEntity": out, "prov:usedEntity": i, "prov:activity": act.name });
    }
  }

  return {
    prefix: { ...PROV_PREFIXES },
    entity: sortRecords(entity),
    activity: sortRecords(activity),
    agent: sortRecords(agent),
    used: numberRelations("used", used),
    wasGeneratedBy: numberRelations("gen", generated),
    wasDerivedFrom: numberRelations("der", derived),
    wasAssociatedWith: numberRelations("assoc", associated),
    wasAttributedTo: numberRelations("attr", attributed),
  };
}
