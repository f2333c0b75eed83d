import { expect, test } from "@playwright/test";
import { fillMarquezTemplate } from "../../lib/schemas/marquez-template";
import {
  fixtureFiles,
  fixtureJson,
  fixtureText,
  getNode,
  getStats,
  postBatch,
  postEvent,
  SEEDED_MARQUEZ_BASE_TIME,
  withFreshRunIds,
  type JsonObject,
  type NodeRefLike,
} from "./support/api";

/**
 * Real OpenLineage events, written by Airflow, Marquez and the OpenLineage proxy tests rather than
 * by us, go in over HTTP and come out of the read API meaning what their producers meant: the run's
 * job, its parent run, its final state, what it read and wrote, the job's SQL, the dataset's schema.
 *
 * The e2e server's seed (scripts/seed-demo.ts) already stored the originals, so re-posting them must
 * answer "duplicate"; fresh copies (new run ids, or a new time) are new events and answer 201.
 */

type Event = JsonObject & {
  eventType?: string;
  run?: { runId: string; facets?: { parent?: { run: { runId: string } } } };
  job: { namespace: string; name: string; facets?: { sql?: { query: string } } };
  inputs?: { namespace: string; name: string }[];
  outputs?: { namespace: string; name: string }[];
};

const AIRFLOW_FILES = fixtureFiles("compat-airflow", /^line_\d+\.json$/);
const SINGLE_FILES = ["marquez-test/event_dataset_event.json", "marquez-test/event_job_event.json", "ol-fluentd-proxy/event_full.json"];
const END_STATES: Record<string, string> = { COMPLETE: "COMPLETED", FAIL: "FAILED", ABORT: "ABORTED" };

/** What the events of each run add up to, as the spec means it: inputs and outputs accumulate, the last terminal event sets the state. */
function expectedRuns(events: Event[]) {
  const runs = new Map<string, { job: string; parent: string | null; state: string; inputs: Set<string>; outputs: Set<string> }>();
  for (const e of events) {
    if (!e.run) continue;
    const run = runs.get(e.run.runId) ?? {
      job: `job:${e.job.namespace}:${e.job.name}`,
      parent: null,
      state: "RUNNING",
      inputs: new Set<string>(),
      outputs: new Set<string>(),
    };
    const parent = e.run.facets?.parent?.run.runId;
    if (parent) run.parent = `run:${parent}`;
    if (e.eventType && END_STATES[e.eventType]) run.state = END_STATES[e.eventType];
    for (const d of e.inputs ?? []) run.inputs.add(`${d.namespace}:${d.name}`);
    for (const d of e.outputs ?? []) run.outputs.add(`${d.namespace}:${d.name}`);
    runs.set(e.run.runId, run);
  }
  return runs;
}

const datasetsOf = (refs: NodeRefLike[]) => refs.map((r) => `${r.namespace}:${r.name}`).sort();

test.describe("real OpenLineage events over HTTP", () => {
  test("re-posting every seeded real event answers 200 duplicate and stores nothing", async ({ request }) => {
    const before = await getStats(request);
    const singles = [...AIRFLOW_FILES, ...SINGLE_FILES].map((file) => ({ file, event: fixtureJson(file) }));
    for (const { file, event } of singles) {
      const answer = await postEvent(request, event);
      expect(answer.status, `${file}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body.status, file).toBe("duplicate");
      expect(answer.body.seq, file).toBeGreaterThan(0);
    }
    const marquez = JSON.parse(fillMarquezTemplate(fixtureText("marquez-seed/metadata.template.json"), SEEDED_MARQUEZ_BASE_TIME));
    const batch = await postBatch(request, marquez);
    expect(batch.status, JSON.stringify(batch.body).slice(0, 300)).toBe(200);
    expect(batch.body).toMatchObject({ created: 0, duplicates: marquez.length, rejected: 0 });
    expect(await getStats(request)).toEqual(before);
  });

  test("fresh copies of the 32 Airflow events are created, and each task run has its job, parent run, COMPLETED state, inputs and outputs", async ({ request }) => {
    const originals = AIRFLOW_FILES.map((file) => fixtureJson<Event>(file));
    const { events, runIds } = withFreshRunIds(originals);
    const before = await getStats(request);
    for (const [i, event] of events.entries()) {
      const answer = await postEvent(request, event);
      expect(answer.status, `${AIRFLOW_FILES[i]}: ${JSON.stringify(answer.body)}`).toBe(201);
      expect(answer.body.status).toBe("created");
      expect(Array.isArray(answer.body.warnings)).toBe(true);
    }
    const after = await getStats(request);
    expect(after.events - before.events).toBe(32);
    expect(after.runs - before.runs).toBe(runIds.size);

    const runs = expectedRuns(events);
    const taskRuns = [...runs.entries()].filter(([, r]) => r.parent !== null);
    expect(runs.size, "3 DAG runs and their task runs").toBe(16);
    expect(taskRuns.length, "13 task runs, each under a DAG run").toBe(13);
    for (const [runId, expected] of runs) {
      const { status, body } = await getNode(request, `run:${runId}`);
      expect(status, `run:${runId} (${expected.job})`).toBe(200);
      expect(body.node).toMatchObject({ id: `run:${runId}`, type: "run", state: expected.state });
      expect(body.node.state, `${expected.job}: START then COMPLETE ends COMPLETED`).toBe("COMPLETED");
      const t = body.transformation!;
      expect(t.job.id, `run:${runId}`).toBe(expected.job);
      expect(t.run?.runId).toBe(runId);
      expect(t.run?.parentRun ?? null, `${expected.job}'s parent run`).toBe(expected.parent);
      expect(datasetsOf(t.inputs), `${expected.job} inputs`).toEqual([...expected.inputs].sort());
      expect(datasetsOf(t.outputs), `${expected.job} outputs`).toEqual([...expected.outputs].sort());
      for (const ref of [...t.inputs, ...t.outputs]) expect(ref.type).toBe("datasetVersion");
    }

    // One concrete reading of the scenario: GCSToBigQuery uploads gs://mock-bucket/copied.csv into BigQuery.
    const upload = runIds.get("01936893-9751-7b3c-8f76-8ac6d0e5f8a3")!;
    const dag = runIds.get("01936893-9751-7a91-a2a0-a51101a3970c")!;
    const { body } = await getNode(request, `run:${upload}`);
    expect(body.node).toMatchObject({ namespace: "airflow", name: "BQ.upload", state: "COMPLETED" });
    expect(body.transformation?.run?.parentRun).toBe(`run:${dag}`);
    expect(datasetsOf(body.transformation!.inputs)).toContain("gs://mock-bucket:copied.csv");
    expect(datasetsOf(body.transformation!.outputs)).toEqual(["bigquery:mock-project.test.upload"]);
    const parent = await getNode(request, `run:${dag}`);
    expect(parent.status).toBe(200);
    expect(parent.body.transformation?.job.id).toBe("job:airflow:BQ");
    expect(parent.body.node.state).toBe("COMPLETED");
  });

  test("the Marquez food_delivery seed filled at a new time is created, with each job's SQL in transformation.job.sql", async ({ request }) => {
    const filled = JSON.parse(fillMarquezTemplate(fixtureText("marquez-seed/metadata.template.json"), "2027-02-14T08:30:00Z")) as Event[];
    const { events, runIds } = withFreshRunIds(filled);
    expect(events).toHaveLength(26);
    const batch = await postBatch(request, events);
    expect(batch.status, JSON.stringify(batch.body).slice(0, 400)).toBe(201);
    expect(batch.body).toMatchObject({ created: 26, duplicates: 0, rejected: 0 });
    expect(batch.body.results.map((r) => r.index)).toEqual([...Array(26).keys()]);
    expect(runIds.size).toBe(13);

    const runs = expectedRuns(events);
    for (const [runId, expected] of runs) {
      const start = events.find((e) => e.run?.runId === runId && e.eventType === "START")!;
      const sql = start.job.facets?.sql?.query;
      expect(sql, `${expected.job} has SQL in the template`).toBeTruthy();
      const { status, body } = await getNode(request, `run:${runId}`);
      expect(status).toBe(200);
      expect(body.node.state, expected.job).toBe("COMPLETED");
      expect(body.transformation?.job.id).toBe(expected.job);
      expect(body.transformation?.job.sql, `${expected.job}: the SQL sent on START survives the COMPLETE without it`).toBe(sql);
      expect(datasetsOf(body.transformation!.inputs), `${expected.job} inputs`).toEqual([...expected.inputs].sort());
      expect(datasetsOf(body.transformation!.outputs), `${expected.job} outputs`).toEqual([...expected.outputs].sort());
    }

    const job = await getNode(request, "job:food_delivery:etl_menus");
    expect(job.status).toBe(200);
    expect(job.body.transformation?.job.sql).toContain("INSERT INTO menus");
    expect(job.body.runs.map((r) => r.runId)).toContain(runIds.get("4d3b8069-69b6-4708-ade0-3275112c9f04"));
  });

  test("the Marquez DatasetEvent and JobEvent and the full-facet proxy event are accepted and read back", async ({ request }) => {
    // DatasetEvent: a new time makes it a new event; the dataset carries its schema.
    const datasetEvent = { ...fixtureJson("marquez-test/event_dataset_event.json"), eventTime: new Date().toISOString() };
    const ds = await postEvent(request, datasetEvent);
    expect(ds.status, JSON.stringify(ds.body)).toBe(201);
    const dataset = await getNode(request, "dataset:my-dataset-namespace:my-dataset-name");
    expect(dataset.status).toBe(200);
    expect(dataset.body.node.type).toBe("dataset");
    expect(dataset.body.schema).toEqual([{ name: "col_a", type: "VARCHAR", description: "string" }]);

    // JobEvent: a job with no run, linked to what it reads and writes.
    const jobEvent = { ...fixtureJson("marquez-test/event_job_event.json"), eventTime: new Date().toISOString() };
    const je = await postEvent(request, jobEvent);
    expect(je.status, JSON.stringify(je.body)).toBe(201);
    const job = await getNode(request, "job:my-scheduler-namespace:myjob");
    expect(job.status).toBe(200);
    expect(job.body.upstream.map((n) => n.id)).toContain("dataset:my-datasource-namespace:instance.schema.input-1");
    expect(job.body.downstream.map((n) => n.id)).toContain("dataset:my-datasource-namespace:instance.schema.output-1");

    // The proxy's full event: nearly every standard facet, custom facets, and one facet that breaks its schema.
    const { events, runIds } = withFreshRunIds([fixtureJson("ol-fluentd-proxy/event_full.json")]);
    const full = await postEvent(request, events[0]);
    expect(full.status, JSON.stringify(full.body)).toBe(201);
    expect(full.body.warnings?.map((w) => w.path).some((p) => p.startsWith("inputs[0].inputFacets.dataQualityMetrics"))).toBe(true);
    const runId = runIds.get("ea041791-68bc-4ae1-bd89-4c8106a157e4")!;
    const run = await getNode(request, `run:${runId}`);
    expect(run.status).toBe(200);
    expect(run.body.node.state).toBe("COMPLETED");
    expect(run.body.transformation?.job).toMatchObject({
      id: "job:my-scheduler-namespace:myjob.mytask",
      sql: "SELECT * FROM foo",
      sourceCodeUrl: "http://example.com",
      description: "string",
    });
    expect(run.body.transformation?.run).toMatchObject({
      parentRun: `run:${runIds.get("3f5e83fa-3480-44ff-99c5-ff943904e5e8")}`,
      nominalTime: "2020-12-17T03:00:00.001Z",
    });
    expect(datasetsOf(run.body.transformation!.inputs)).toEqual(["my-datasource-namespace:instance.schema.table"]);
    expect(datasetsOf(run.body.transformation!.outputs)).toEqual(["my-datasource-namespace:instance.schema.table"]);
    expect(Object.keys(run.body.facets)).toEqual(expect.arrayContaining(["nominalTime", "parent", "additionalProp1"]));
  });
});

test.describe("the negative fixtures", () => {
  test("event_no_run_id is refused with 400 invalid_event and a detail at run.runId, storing nothing", async ({ request }) => {
    const before = await getStats(request);
    const answer = await postEvent(request, fixtureJson("negative/event_no_run_id.json"));
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_event");
    expect(answer.body.error.details).toContainEqual({ path: "run.runId", message: expect.any(String) });
    expect(await getStats(request)).toEqual(before);
  });

  const invalidFacets: [file: string, facetPath: string][] = [
    ["negative/event_invalid_dataset_facet.json", "outputs[0].facets.ownership"],
    ["negative/event_invalid_input_dataset_facet.json", "inputs[0].inputFacets.dataQualityMetrics"],
    ["negative/event_invalid_job_facet.json", "job.facets.ownership"],
    ["negative/event_invalid_output_dataset_facet.json", "outputs[0].outputFacets.outputStatistics"],
    ["negative/event_invalid_run_facet.json", "run.facets.parent"],
  ];
  for (const [file, facetPath] of invalidFacets) {
    test(`${file.replace("negative/", "")} is stored with a warning at ${facetPath}`, async ({ request }) => {
      const answer = await postEvent(request, fixtureJson(file));
      // 201 on a fresh server; 200 when a reused server already holds it. Either way: stored, with warnings.
      expect([200, 201], JSON.stringify(answer.body)).toContain(answer.status);
      expect(answer.body.status).toBe(answer.status === 201 ? "created" : "duplicate");
      expect(answer.body.seq).toBeGreaterThan(0);
      const paths = (answer.body.warnings ?? []).map((w) => w.path);
      expect(paths.length, "at least one warning").toBeGreaterThan(0);
      for (const path of paths) expect(path.startsWith(facetPath), `${path} names the bad facet ${facetPath}`).toBe(true);
      const run = await getNode(request, "run:41fb5137-f0fd-4ee5-ba5c-56f8571d1bd7");
      expect(run.status).toBe(200);
    });
  }
});
