import { readdirSync, readFileSync } from "node:fs";

import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";

import {
  buildDrugDiscoveryEvents,
  DEMO_PRODUCER,
  DEMO_STORY,
  isDatasetEvent,
  isRunEvent,
  type Facets,
  type OpenLineageDataset,
  type OpenLineageRunEvent,
  type RunEventLike,
} from "./drug-discovery";

const events = buildDrugDiscoveryEvents();
const runEvents = events.filter(isRunEvent);

// ---- views of the events, derived the way the projection derives them ---------------------------

const datasetId = (d: OpenLineageDataset) => `dataset:${d.namespace}:${d.name}`;
const jobId = (e: { job: { namespace: string; name: string } }) => `job:${e.job.namespace}:${e.job.name}`;

function versionFacet(d: OpenLineageDataset): string | undefined {
  const v = d.facets?.version?.datasetVersion;
  return typeof v === "string" ? v : undefined;
}

/** Version of an input: its version facet (every input of the demo names one). */
function inputVersionId(d: OpenLineageDataset): string {
  const v = versionFacet(d);
  if (v === undefined) throw new Error(`input ${d.name} names no version`);
  return `datasetVersion:${d.namespace}:${d.name}:${v}`;
}

/** Version of an output: its version facet, else the id of the run that wrote it. */
function outputVersionId(d: OpenLineageDataset, runId: string): string {
  return `datasetVersion:${d.namespace}:${d.name}:${versionFacet(d) ?? runId}`;
}

function eventsByRun(): Map<string, OpenLineageRunEvent[]> {
  const byRun = new Map<string, OpenLineageRunEvent[]>();
  for (const e of runEvents) byRun.set(e.run.runId, [...(byRun.get(e.run.runId) ?? []), e]);
  return byRun;
}

/** All facets of a run, later events replacing earlier ones (as the projection merges them). */
function runFacets(runId: string): Facets {
  return Object.assign({}, ...runEvents.filter((e) => e.run.runId === runId).map((e) => e.run.facets ?? {}));
}

function parameters(runId: string): Record<string, string> {
  const facet = runFacets(runId).executionParameters;
  const list = (facet?.parameters ?? []) as { key: string; value: string }[];
  return Object.fromEntries(list.map((p) => [p.key, p.value]));
}

interface Graph {
  nodes: Set<string>;
  edges: Set<string>;
  out: Map<string, string[]>;
}

function graph(): { entity: Graph; version: Graph } {
  const make = (): Graph => ({ nodes: new Set(), edges: new Set(), out: new Map() });
  const entity = make();
  const version = make();
  const link = (g: Graph, from: string, to: string) => {
    g.nodes.add(from);
    g.nodes.add(to);
    if (!g.edges.has(`${from} -> ${to}`)) {
      g.edges.add(`${from} -> ${to}`);
      g.out.set(from, [...(g.out.get(from) ?? []), to]);
    }
  };
  for (const e of events) {
    if (isDatasetEvent(e)) {
      entity.nodes.add(datasetId(e.dataset));
      const v = versionFacet(e.dataset);
      if (v !== undefined) version.nodes.add(`datasetVersion:${e.dataset.namespace}:${e.dataset.name}:${v}`);
    } else if (!isRunEvent(e)) {
      entity.nodes.add(jobId(e));
    }
  }
  for (const e of runEvents) {
    const job = jobId(e);
    const run = `run:${e.run.runId}`;
    entity.nodes.add(job);
    version.nodes.add(run);
    for (const i of e.inputs) {
      link(entity, datasetId(i), job);
      link(version, inputVersionId(i), run);
    }
    for (const o of e.outputs) {
      link(entity, job, datasetId(o));
      link(version, run, outputVersionId(o, e.run.runId));
    }
  }
  return { entity, version };
}

function reachable(g: Graph, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(g.out.get(from) ?? [])];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(g.out.get(n) ?? []));
  }
  return seen;
}

function upstreamOf(g: Graph, node: string): Set<string> {
  const reversed: Graph = { nodes: g.nodes, edges: new Set(), out: new Map() };
  for (const [from, tos] of g.out) for (const to of tos) reversed.out.set(to, [...(reversed.out.get(to) ?? []), from]);
  return reachable(reversed, node);
}

/** Every input a run declared, over all its events (the demo sends them on START). */
function inputsOf(runId: string): OpenLineageDataset[] {
  return runEvents.filter((e) => e.run.runId === runId).flatMap((e) => e.inputs);
}

/** The run that wrote a version. */
function producerOf(versionId: string): OpenLineageRunEvent {
  const e = runEvents.find((ev) => ev.outputs.some((o) => outputVersionId(o, ev.run.runId) === versionId));
  if (!e) throw new Error(`no run writes ${versionId}`);
  return e;
}

/** Version -> verdict of the evaluation runs that read it (threadline_evaluation). */
function toxicityVerdicts(): Map<string, boolean> {
  const verdicts = new Map<string, boolean>();
  for (const e of runEvents) {
    const evaluation = e.run.facets?.threadline_evaluation;
    if (!evaluation) continue;
    for (const i of inputsOf(e.run.runId)) {
      verdicts.set(inputVersionId(i), evaluation.passed === true);
    }
  }
  return verdicts;
}

// ---- schema registry: the project's copies of the OpenLineage spec and Threadline's facets ------

interface SchemaFile {
  $id: string;
  $defs: Record<string, { allOf?: { $ref?: string }[] }>;
  properties: Record<string, unknown>;
}

type Container = "run" | "job" | "dataset" | "input" | "output";
const BASE_TO_CONTAINER: Record<string, Container> = {
  RunFacet: "run",
  JobFacet: "job",
  DatasetFacet: "dataset",
  InputDatasetFacet: "input",
  OutputDatasetFacet: "output",
};

function loadSchemas(dir: URL): SchemaFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")) as SchemaFile);
}

const SPEC_DIR = new URL("../schemas/openlineage-spec/", import.meta.url);
const core = JSON.parse(readFileSync(new URL("OpenLineage.json", SPEC_DIR), "utf8")) as SchemaFile;
const standardFacets = loadSchemas(new URL("facets/", SPEC_DIR));
const threadlineFacets = loadSchemas(new URL("../schemas/facets/", import.meta.url));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const schema of [core, ...standardFacets, ...threadlineFacets]) ajv.addSchema(schema);

/** container -> facet name -> the schema file and the definition for that container. */
const STANDARD = new Map<string, { file: SchemaFile; def: string }>();
for (const file of standardFacets) {
  const name = Object.keys(file.properties)[0] as string;
  for (const [def, body] of Object.entries(file.$defs)) {
    const base = body.allOf?.map((a) => a.$ref?.split("/").pop() ?? "").find((b) => b in BASE_TO_CONTAINER);
    if (base) STANDARD.set(`${BASE_TO_CONTAINER[base]}/${name}`, { file, def });
  }
}
const CUSTOM = new Map(threadlineFacets.map((file) => [Object.keys(file.properties)[0] as string, file]));

/** Every facet map of every event, with where it sits. */
function* facetMaps(): Generator<{ container: Container; facets: Facets; where: string }> {
  for (const [n, e] of events.entries()) {
    const where = `event ${n}`;
    if (isRunEvent(e) && e.run.facets) yield { container: "run", facets: e.run.facets, where };
    if ("job" in e && e.job.facets) yield { container: "job", facets: e.job.facets, where };
    const datasets: (OpenLineageDataset & { inputFacets?: Facets; outputFacets?: Facets })[] = isDatasetEvent(e)
      ? [e.dataset]
      : isRunEvent(e)
        ? [...e.inputs, ...e.outputs]
        : [];
    for (const d of datasets) {
      if (d.facets) yield { container: "dataset", facets: d.facets, where: `${where} ${d.name}` };
      if (d.inputFacets) yield { container: "input", facets: d.inputFacets, where: `${where} ${d.name}` };
      if (d.outputFacets) yield { container: "output", facets: d.outputFacets, where: `${where} ${d.name}` };
    }
  }
}

// ---- tests ---------------------------------------------------------------------------------------

describe("buildDrugDiscoveryEvents", () => {
  it("is deterministic: two calls give deep-equal events", () => {
    expect(buildDrugDiscoveryEvents()).toEqual(events);
    expect(JSON.stringify(buildDrugDiscoveryEvents({ baseTime: new Date("2026-10-01T08:00:00Z") }))).toBe(
      JSON.stringify(events),
    );
  });

  it("starts at the default base time and keeps events in time order", () => {
    expect(events[0]?.eventTime).toBe("2026-10-01T08:00:00.000Z");
    const times = events.map((e) => Date.parse(e.eventTime));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
  });

  it("shifts every timestamp by the same amount for another base time and changes nothing else", () => {
    const delta = Date.parse("2030-01-01T00:00:00Z") - Date.parse("2026-10-01T08:00:00Z");
    const shifted = JSON.stringify(buildDrugDiscoveryEvents({ baseTime: new Date("2030-01-01T00:00:00Z") }));
    const shiftedBack = shifted.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, (iso) =>
      new Date(Date.parse(iso) - delta).toISOString(),
    );
    expect(shifted).not.toBe(JSON.stringify(events));
    expect(shiftedBack).toBe(JSON.stringify(events));
  });

  it("rejects an invalid base time", () => {
    expect(() => buildDrugDiscoveryEvents({ baseTime: new Date("not a date") })).toThrow(RangeError);
  });

  it("has the size of a readable demo: 15-25 jobs and datasets, 40-70 runs", () => {
    const { entity } = graph();
    const jobs = [...entity.nodes].filter((n) => n.startsWith("job:"));
    const datasets = [...entity.nodes].filter((n) => n.startsWith("dataset:"));
    expect(jobs.length + datasets.length).toBeGreaterThanOrEqual(15);
    expect(jobs.length + datasets.length).toBeLessThanOrEqual(25);
    expect(eventsByRun().size).toBeGreaterThanOrEqual(40);
    expect(eventsByRun().size).toBeLessThanOrEqual(70);
  });
});

describe("runs", () => {
  it("have distinct UUID run ids", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = [...eventsByRun().keys()];
    expect(ids.filter((runId) => !uuid.test(runId))).toEqual([]);
    // One job per run id: two story runs never collide on a seeded id.
    for (const [runId, list] of eventsByRun()) expect(new Set(list.map(jobId)).size, runId).toBe(1);
  });

  it("each START first, then exactly one later COMPLETE or FAIL", () => {
    for (const [runId, list] of eventsByRun()) {
      expect(list.map((e) => e.eventType), runId).toEqual([
        "START",
        expect.stringMatching(/^(COMPLETE|FAIL)$/),
      ]);
      expect(Date.parse(list[1]?.eventTime ?? ""), runId).toBeGreaterThan(Date.parse(list[0]?.eventTime ?? ""));
    }
  });

  it("carry only string executionParameters values", () => {
    const values = runEvents.flatMap((e) =>
      ((e.run.facets?.executionParameters?.parameters ?? []) as { key: unknown; value: unknown }[]).map((p) => [
        p.key,
        p.value,
      ]),
    );
    expect(values.length).toBeGreaterThan(100);
    expect(values.filter(([key, value]) => typeof key !== "string" || typeof value !== "string")).toEqual([]);
  });

  it("fail exactly once: the docking run, with a Python error message and stack trace", () => {
    const failed = runEvents.filter((e) => e.eventType === "FAIL");
    expect(failed.map((e) => `run:${e.run.runId}`)).toEqual([DEMO_STORY.failedRun]);
    const error = failed[0]?.run.facets?.errorMessage;
    expect(error).toMatchObject({ programmingLanguage: "python", message: expect.stringContaining("out of memory") });
    expect(error?.stackTrace).toMatch(/^Traceback/);
    expect(failed[0]?.outputs).toEqual([]);
  });

  it("of the nightly loop are children of a nightly-discovery-dag run that spans them", () => {
    const children = runEvents.filter((e) => e.eventType === "START" && e.run.facets?.parent);
    expect(children.length).toBeGreaterThanOrEqual(28);
    for (const child of children) {
      const parent = child.run.facets?.parent as unknown as { run: { runId: string }; job: { name: string } };
      expect(parent.job.name).toBe("nightly-discovery-dag");
      const [parentStart, parentEnd] = eventsByRun().get(parent.run.runId) ?? [];
      const [, childEnd] = eventsByRun().get(child.run.runId) ?? [];
      expect(Date.parse(parentStart?.eventTime ?? "")).toBeLessThan(Date.parse(child.eventTime));
      expect(Date.parse(parentEnd?.eventTime ?? "")).toBeGreaterThan(Date.parse(childEnd?.eventTime ?? ""));
    }
  });
});

describe("OpenLineage conformance", () => {
  it("every event validates against the OpenLineage 2-0-2 schema of its kind", () => {
    const invalid: string[] = [];
    for (const [n, e] of events.entries()) {
      const kind = isRunEvent(e) ? "RunEvent" : isDatasetEvent(e) ? "DatasetEvent" : "JobEvent";
      expect(e.schemaURL).toBe(`https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/${kind}`);
      expect(e.producer).toBe(DEMO_PRODUCER);
      const validate = ajv.getSchema(`${core.$id}#/$defs/${kind}`);
      if (!validate) throw new Error(`no schema for ${kind}`);
      if (!validate(e)) invalid.push(`event ${n}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(invalid).toEqual([]);
  });

  it("every facet validates against its schema and names it in _schemaURL", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { container, facets, where } of facetMaps()) {
      for (const [name, facet] of Object.entries(facets)) {
        checked++;
        if (facet._producer !== DEMO_PRODUCER) problems.push(`${where} ${name}: _producer ${facet._producer}`);
        const standard = STANDARD.get(`${container}/${name}`);
        const customFile = name.startsWith("threadline_") ? CUSTOM.get(name) : undefined;
        const file = standard?.file ?? customFile;
        if (!file) {
          problems.push(`${where} ${name}: no ${container} facet of that name`);
          continue;
        }
        if (standard && facet._schemaURL !== `${file.$id}#/$defs/${standard.def}`) {
          problems.push(`${where} ${name}: _schemaURL ${facet._schemaURL}`);
        }
        if (customFile) {
          const def = facet._schemaURL.startsWith(`${file.$id}#/$defs/`) ? facet._schemaURL.split("/").pop() : undefined;
          if (!def || !(def in file.$defs)) problems.push(`${where} ${name}: _schemaURL ${facet._schemaURL}`);
        }
        const validate = ajv.getSchema(file.$id);
        if (validate && !validate({ [name]: facet })) {
          problems.push(`${where} ${name}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it("every dataset says what it is, and every output names its version", () => {
    const allowed = new Set(["TABLE", "MODEL", "PROMPT", "OUTPUT", "EVAL"]);
    for (const e of events) {
      const datasets = isDatasetEvent(e) ? [e.dataset] : isRunEvent(e) ? [...e.inputs, ...e.outputs] : [];
      for (const d of datasets) expect(allowed.has(String(d.facets?.datasetType?.datasetType)), d.name).toBe(true);
      if (isRunEvent(e)) for (const o of e.outputs) expect(versionFacet(o), o.name).toBeDefined();
      if (isDatasetEvent(e)) expect(versionFacet(e.dataset), e.dataset.name).toBeDefined();
    }
  });
});

describe("the story", () => {
  const { entity, version } = graph();

  it("DEMO_STORY names only datasets, jobs, versions and runs that appear in the events", () => {
    const known = new Set([...entity.nodes, ...version.nodes]);
    const ids = JSON.stringify(DEMO_STORY).match(/"(dataset|job|datasetVersion|run):[^"]+"/g) ?? [];
    expect(ids.length).toBeGreaterThan(30);
    expect(ids.map((s) => s.slice(1, -1)).filter((id) => !known.has(id))).toEqual([]);
  });

  it("the entity graph has the loop finetune -> model -> generate -> batch -> filter -> synthetic -> finetune", () => {
    const loop = [
      DEMO_STORY.finetuneJob,
      DEMO_STORY.fineTunedModel,
      DEMO_STORY.generateJob,
      DEMO_STORY.generatedBatches,
      DEMO_STORY.filterJob,
      DEMO_STORY.syntheticSet,
      DEMO_STORY.finetuneJob,
    ];
    const missing = loop.slice(1).map((to, i) => `${loop[i]} -> ${to}`).filter((edge) => !entity.edges.has(edge));
    expect(missing).toEqual([]);
  });

  it("the version graph is acyclic (Kahn's algorithm consumes every node)", () => {
    const indegree = new Map([...version.nodes].map((n) => [n, 0]));
    for (const tos of version.out.values()) for (const to of tos) indegree.set(to, (indegree.get(to) ?? 0) + 1);
    const queue = [...indegree].filter(([, d]) => d === 0).map(([n]) => n);
    let consumed = 0;
    while (queue.length > 0) {
      const n = queue.shift() as string;
      consumed++;
      for (const to of version.out.get(n) ?? []) {
        indegree.set(to, (indegree.get(to) ?? 0) - 1);
        if (indegree.get(to) === 0) queue.push(to);
      }
    }
    expect(consumed).toBe(version.nodes.size);
  });

  it("three fine-tunes of one job produce v1..v3 with different parameters, reasons and code", () => {
    const runs = (["v1", "v2", "v3"] as const).map((v) => producerOf(DEMO_STORY.fineTunedModelVersions[v]));
    expect(runs.map((e) => `run:${e.run.runId}`)).toEqual(Object.values(DEMO_STORY.finetuneRuns));
    expect(new Set(runs.map(jobId))).toEqual(new Set([DEMO_STORY.finetuneJob]));
    expect(runs.map((e) => parameters(e.run.runId).learning_rate)).toEqual(["3e-5", "1e-5", "1e-5"]);
    const paramSets = runs.map((e) => JSON.stringify(parameters(e.run.runId)));
    expect(new Set(paramSets).size).toBe(3);
    const reasons = runs.map((e) => runFacets(e.run.runId).threadline_change?.reason);
    expect(new Set(reasons).size).toBe(3);
    const starts = runs.map((e) => runEvents.find((s) => s.run.runId === e.run.runId && s.eventType === "START"));
    expect(new Set(starts.map((s) => s?.job.facets?.sourceCodeLocation?.version)).size).toBe(3);
    for (const [i, e] of runs.entries()) {
      const model = e.outputs[0];
      expect(model?.facets?.threadline_change?.reason).toBe(reasons[i]);
      expect(model?.facets?.threadline_model).toMatchObject({ architecture: "graph-transformer", framework: "pytorch" });
    }
  });

  it("v3 descends from the CRO assays and the synthetic set; v1 and v2 do not", () => {
    const upstream = (v: "v1" | "v2" | "v3") => upstreamOf(version, DEMO_STORY.fineTunedModelVersions[v]);
    expect(upstream("v3")).toContain(DEMO_STORY.biasedAssaysVersion);
    expect(upstream("v3")).toContain(DEMO_STORY.syntheticSetVersion);
    for (const v of ["v1", "v2"] as const) {
      expect(upstream(v)).not.toContain(DEMO_STORY.biasedAssaysVersion);
      expect(upstream(v)).not.toContain(DEMO_STORY.syntheticSetVersion);
    }
  });

  it("the toxicity evaluations fail exactly the batches DEMO_STORY names, 3 of 14", () => {
    const verdicts = toxicityVerdicts();
    const prefix = `${DEMO_STORY.generatedBatches.replace("dataset:", "datasetVersion:")}:`;
    const batches = [...verdicts.keys()].filter((v) => v.startsWith(prefix));
    expect(batches).toHaveLength(14);
    expect(batches.filter((b) => verdicts.get(b) === false)).toEqual(DEMO_STORY.failedBatches);
    expect(batches.filter((b) => verdicts.get(b) === true)).toEqual(DEMO_STORY.passingBatches);
    expect(DEMO_STORY.failedBatches).toContain(DEMO_STORY.failedBatch);
  });

  it("the failed batch was sampled hotter than the passing ones, from model v3 with prompt p2", () => {
    const run = producerOf(DEMO_STORY.failedBatch);
    expect(`run:${run.run.runId}`).toBe(DEMO_STORY.failedBatchRun);
    const params = parameters(run.run.runId);
    expect(params).toMatchObject({ temperature: "1.2", prompt_version: "p2", model: "models/binding-affinity-ft@v3" });
    const passingTemperatures = DEMO_STORY.passingBatches.map((b) =>
      Number(parameters(producerOf(b).run.runId).temperature),
    );
    const mean = passingTemperatures.reduce((a, b) => a + b) / passingTemperatures.length;
    expect(Number(params.temperature)).toBeGreaterThanOrEqual(Math.max(...passingTemperatures));
    expect(Number(params.temperature)).toBeGreaterThan(mean);
    // The generation facet tells the same as the parameters.
    expect(runFacets(run.run.runId).threadline_generation).toMatchObject({
      model: "models/binding-affinity-ft@v3",
      promptVersion: "p2",
      sampling: { temperature: 1.2 },
    });
    const inputs = inputsOf(run.run.runId).map(inputVersionId);
    expect(inputs).toEqual([DEMO_STORY.fineTunedModelVersions.v3, DEMO_STORY.promptVersions.p2]);
  });

  it("plants one cause among noise: failed = model v3 and temperature >= 1.1, neither alone", () => {
    const sampling = (batch: string) => {
      const p = parameters(producerOf(batch).run.runId);
      return {
        isV3: p.model === "models/binding-affinity-ft@v3",
        isHot: Number(p.temperature) >= 1.1,
        prompt: p.prompt_version,
      };
    };
    const failed = DEMO_STORY.failedBatches.map(sampling);
    const passing = DEMO_STORY.passingBatches.map(sampling);
    expect(failed.every((s) => s.isV3 && s.isHot)).toBe(true);
    expect(passing.some((s) => s.isV3 && s.isHot)).toBe(false);
    expect(passing.some((s) => s.isV3)).toBe(true);
    expect(passing.some((s) => s.isHot)).toBe(true);
    // The prompt version is noise: failures use both.
    expect(new Set(failed.map((s) => s.prompt))).toEqual(new Set(["p1", "p2"]));
    // Every failed batch descends from the CRO assays and the synthetic loop.
    for (const batch of DEMO_STORY.failedBatches) {
      expect(upstreamOf(version, batch)).toContain(DEMO_STORY.biasedAssaysVersion);
      expect(upstreamOf(version, batch)).toContain(DEMO_STORY.syntheticSetVersion);
    }
  });

  it("the synthetic set is marked as model output of a passing batch", () => {
    const run = producerOf(DEMO_STORY.syntheticSetVersion);
    expect(jobId(run)).toBe(DEMO_STORY.filterJob);
    expect(run.outputs[0]?.facets?.threadline_synthetic).toMatchObject({ syntheticShare: 1, generation: 1 });
    expect(upstreamOf(version, DEMO_STORY.syntheticSetVersion)).toContain(DEMO_STORY.syntheticSourceBatch);
    expect(DEMO_STORY.passingBatches).toContain(DEMO_STORY.syntheticSourceBatch);
  });
});

// Keeps the union type exercised: a JobEvent declares the DAG before any of its runs.
it("declares the orchestrating DAG with a JobEvent before its first run", () => {
  const first = (pred: (e: RunEventLike) => boolean) => events.findIndex(pred);
  const jobEvent = first((e) => !isRunEvent(e) && !isDatasetEvent(e));
  const firstDagRun = first((e) => isRunEvent(e) && jobId(e) === DEMO_STORY.dagJob);
  expect(jobEvent).toBeGreaterThanOrEqual(0);
  expect(jobEvent).toBeLessThan(firstDagRun);
});
