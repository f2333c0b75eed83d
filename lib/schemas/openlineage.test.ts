import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  MAX_ISSUES,
  MAX_NESTING_DEPTH,
  MAX_STRING_LENGTH,
  isRfc3339DateTime,
  validateEvent,
  type ValidatedEvent,
  type ValidationIssue,
} from "./openlineage";

const EVENTS_DIR = fileURLToPath(new URL("../../tests/fixtures/openlineage/events/", import.meta.url));

function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(EVENTS_DIR + path, "utf8")) as Record<string, unknown>;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(EVENTS_DIR + dir)
    .filter((f) => f.endsWith(".json") && f !== "config.json")
    .sort()
    .map((f) => `${dir}/${f}`);
}

function errorsOf(result: ValidatedEvent): ValidationIssue[] {
  if (result.ok) throw new Error(`expected errors, got ok with warnings ${JSON.stringify(result.warnings)}`);
  return result.errors;
}

function warningsOf(result: ValidatedEvent): ValidationIssue[] {
  if (!result.ok) throw new Error(`expected ok, got errors ${JSON.stringify(result.errors)}`);
  return result.warnings;
}

/** A minimal valid RunEvent, to break one field at a time. */
function runEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventType: "START",
    eventTime: "2026-11-24T10:00:00.000Z",
    run: { runId: "0193688f-4e3b-7a91-a2a0-a51101a3970c" },
    job: { namespace: "helix-bio", name: "train" },
    inputs: [],
    outputs: [],
    producer: "https://threadline.dev/tests",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    ...overrides,
  };
}

function nest(depth: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe("validateEvent on real producers' events", () => {
  const airflow = jsonFiles("compat-airflow");

  it("finds the 32 Airflow events", () => {
    expect(airflow).toHaveLength(32);
  });

  it.each(airflow)("accepts %s as a RunEvent without warnings", (path) => {
    const result = validateEvent(fixture(path));
    expect(warningsOf(result)).toEqual([]);
    expect(result.ok && result.kind).toBe("RunEvent");
  });

  it("accepts Marquez's DatasetEvent and JobEvent", () => {
    const dataset = validateEvent(fixture("marquez-test/event_dataset_event.json"));
    const job = validateEvent(fixture("marquez-test/event_job_event.json"));
    expect(warningsOf(dataset)).toEqual([]);
    expect(warningsOf(job)).toEqual([]);
    expect(dataset.ok && dataset.kind).toBe("DatasetEvent");
    expect(job.ok && job.kind).toBe("JobEvent");
  });

  it("accepts the fluentd proxy's full event and warns only about the facets that break their schema", () => {
    const warnings = warningsOf(validateEvent(fixture("ol-fluentd-proxy/event_full.json")));
    expect(warnings).toEqual([
      { path: "inputs[0].facets.dataSource.uri", message: 'must match format "uri"' },
      { path: "inputs[0].inputFacets.dataQualityMetrics.columnMetrics", message: "must have required property" },
      { path: "outputs[0].facets.dataSource.uri", message: 'must match format "uri"' },
    ]);
  });

  it("gives a URI the same answer the second time, when the check is remembered: the bad one still warns, the good one still passes", () => {
    const event = fixture("ol-fluentd-proxy/event_full.json") as { inputs: { facets: { dataSource: { uri: string } } }[] };
    const bad = event.inputs[0]!.facets.dataSource.uri;
    for (let i = 0; i < 3; i++) {
      expect(warningsOf(validateEvent(event)).filter((w) => w.path.endsWith("dataSource.uri"))).toHaveLength(2);
    }
    event.inputs[0]!.facets.dataSource.uri = "s3://bucket/path";
    for (let i = 0; i < 3; i++) {
      expect(warningsOf(validateEvent(event)).filter((w) => w.path.endsWith("dataSource.uri"))).toEqual([{ path: "outputs[0].facets.dataSource.uri", message: 'must match format "uri"' }]);
    }
    expect(bad).not.toBe("s3://bucket/path");
  });

  it("returns the event it was given, not a copy (what was received is what gets hashed)", () => {
    const event = fixture("compat-airflow/line_03.json");
    const result = validateEvent(event);
    expect(result.ok && result.event).toBe(event);
  });
});

describe("validateEvent on the negative fixtures", () => {
  it("rejects an event without runId with an error at run.runId", () => {
    expect(errorsOf(validateEvent(fixture("negative/event_no_run_id.json")))).toEqual([
      { path: "run.runId", message: "is required" },
    ]);
  });

  it.each([
    ["event_invalid_dataset_facet.json", "outputs[0].facets.ownership.owners[0].name", "must have required property"],
    ["event_invalid_input_dataset_facet.json", "inputs[0].inputFacets.dataQualityMetrics.columnMetrics", "must have required property"],
    ["event_invalid_job_facet.json", "job.facets.ownership.owners[0].name", "must have required property"],
    ["event_invalid_output_dataset_facet.json", "outputs[0].outputFacets.outputStatistics.rowCount", "must be integer"],
    ["event_invalid_run_facet.json", "run.facets.parent.run.runId", "must have required property"],
  ])("accepts %s with a warning naming the bad facet", (file, path, message) => {
    expect(warningsOf(validateEvent(fixture(`negative/${file}`)))).toEqual([{ path, message }]);
  });
});

describe("validateEvent: structure errors", () => {
  it("reports every structure error at once, each with its path", () => {
    const errors = errorsOf(
      validateEvent(
        runEvent({
          eventType: "DONE",
          eventTime: "yesterday",
          run: { runId: "not-a-uuid" },
          job: { namespace: "helix-bio" },
        }),
      ),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "eventTime", message: expect.stringMatching(/RFC 3339/) },
        { path: "eventType", message: "must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER" },
        { path: "run.runId", message: "must be a UUID" },
        { path: "job.name", message: "is required" },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it.each([null, [], "event", 42, true, undefined])("rejects a top-level %j with one error at the root", (input) => {
    expect(errorsOf(validateEvent(input))).toEqual([{ path: "", message: expect.stringMatching(/object/) }]);
  });

  it("rejects an object that is no kind of event", () => {
    const errors = errorsOf(validateEvent({ eventTime: "2026-11-24T10:00:00Z", producer: "x" }));
    expect(errors).toEqual([{ path: "", message: expect.stringMatching(/run .* dataset .* job/) }]);
  });

  it("decides the kind by run, then dataset, then job", () => {
    const time = { eventTime: "2026-11-24T10:00:00Z" };
    const dataset = { namespace: "s3://lake", name: "a" };
    const job = { namespace: "ns", name: "j" };
    const run = { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8" };
    const kind = (e: object) => {
      const r = validateEvent(e);
      return r.ok ? r.kind : r.errors;
    };
    expect(kind({ ...time, run, job, dataset })).toBe("RunEvent");
    expect(kind({ ...time, dataset, job })).toBe("DatasetEvent");
    expect(kind({ ...time, job })).toBe("JobEvent");
    // A run makes a RunEvent even without a job: then the job is missing.
    expect(kind({ ...time, run, dataset })).toEqual([{ path: "job", message: "is required" }]);
  });

  it("requires a non-empty namespace and name on jobs and datasets", () => {
    const errors = errorsOf(
      validateEvent(
        runEvent({
          job: { namespace: "", name: 7 },
          inputs: [{ namespace: "s3://lake", name: "ok" }, { namespace: "s3://lake", name: "" }],
          outputs: [{ name: "x" }],
        }),
      ),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: "job.namespace", message: "must not be empty" },
        { path: "job.name", message: "must be a string" },
        { path: "inputs[1].name", message: "must not be empty" },
        { path: "outputs[0].namespace", message: "is required" },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it("requires inputs and outputs to be arrays and facet maps to be objects", () => {
    const errors = errorsOf(
      validateEvent(
        runEvent({
          run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", facets: [] },
          job: { namespace: "ns", name: "j", facets: "none" },
          inputs: { namespace: "s3://lake", name: "a" },
          outputs: [{ namespace: "s3://lake", name: "b", outputFacets: null }],
        }),
      ),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      "inputs",
      "job.facets",
      "outputs[0].outputFacets",
      "run.facets",
    ]);
  });

  it("requires eventTime on every kind of event", () => {
    expect(errorsOf(validateEvent({ dataset: { namespace: "s3://lake", name: "a" } }))).toEqual([
      { path: "eventTime", message: "is required" },
    ]);
  });

  it("accepts run ids of any UUID version, v7 included, in either case", () => {
    for (const runId of [
      "01936893-9751-7a91-a2a0-a51101a3970c",
      "ea041791-68bc-4ae1-bd89-4c8106a157e4",
      "EA041791-68BC-4AE1-BD89-4C8106A157E4",
      "00000000-0000-0000-0000-000000000000",
    ]) {
      expect(validateEvent(runEvent({ run: { runId } })).ok).toBe(true);
    }
    for (const runId of ["ea04179168bc4ae1bd894c8106a157e4", "urn:uuid:ea041791-68bc-4ae1-bd89-4c8106a157e4", 12]) {
      expect(validateEvent(runEvent({ run: { runId } })).ok).toBe(false);
    }
  });

  it("allows a missing eventType, as the spec does", () => {
    const event = runEvent();
    delete event.eventType;
    expect(warningsOf(validateEvent(event))).toEqual([]);
  });
});

describe("validateEvent: leniency", () => {
  it("accepts missing producer, schemaURL, _producer and _schemaURL without warnings", () => {
    const event = runEvent({
      run: {
        runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8",
        facets: { nominalTime: { nominalStartTime: "2026-11-24T00:00:00Z" } },
      },
    });
    delete event.producer;
    delete event.schemaURL;
    expect(warningsOf(validateEvent(event))).toEqual([]);
  });

  it("accepts any spec version, unknown custom facets and extra properties", () => {
    const result = validateEvent(
      runEvent({
        schemaURL: "https://openlineage.io/spec/9-9-9/OpenLineage.json#/definitions/RunEvent",
        extra: { anything: [1, 2, 3] },
        run: {
          runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8",
          somethingElse: true,
          facets: { acme_gpu: { _producer: "acme", cards: 8 }, airflow: { dag: { id: 1 } } },
        },
      }),
    );
    expect(warningsOf(result)).toEqual([]);
  });

  it("warns, with the facet's path, about a standard facet that breaks its schema", () => {
    const warnings = warningsOf(
      validateEvent(runEvent({ run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", facets: { errorMessage: { message: "boom" } } } })),
    );
    expect(warnings).toEqual([{ path: "run.facets.errorMessage.programmingLanguage", message: "must have required property" }]);
  });

  it("validates a facet name against the schema of the map it sits in", () => {
    // `subset` is one facet name with two schemas: inputCondition in inputFacets, outputCondition in outputFacets.
    const subset = {
      inputCondition: { type: "location", locations: ["s3://lake/a/part-0"] },
    };
    const warnings = warningsOf(
      validateEvent(
        runEvent({
          inputs: [{ namespace: "s3://lake", name: "a", inputFacets: { subset } }],
          outputs: [{ namespace: "s3://lake", name: "b", outputFacets: { subset } }],
        }),
      ),
    );
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.path.startsWith("outputs[0].outputFacets.subset"))).toBe(true);
    expect(warnings).toContainEqual({ path: "outputs[0].outputFacets.subset.outputCondition", message: "must have required property" });
  });

  it("names array items in warning paths", () => {
    const warnings = warningsOf(
      validateEvent(
        runEvent({
          inputs: [{ namespace: "s3://lake", name: "a", facets: { schema: { fields: [{ name: "id" }, { type: "INT" }] } } }],
        }),
      ),
    );
    expect(warnings).toEqual([{ path: "inputs[0].facets.schema.fields[1].name", message: "must have required property" }]);
  });

  it("warns about a facet that is not an object, known or not", () => {
    const warnings = warningsOf(
      validateEvent(runEvent({ job: { namespace: "ns", name: "j", facets: { sql: "SELECT 1", acme: 3 } } })),
    );
    expect(warnings).toEqual([
      { path: "job.facets.sql", message: expect.stringMatching(/object/) },
      { path: "job.facets.acme", message: expect.stringMatching(/object/) },
    ]);
  });

  it("does not check the fields of a facet sent to delete it", () => {
    const event = runEvent({ outputs: [{ namespace: "s3://lake", name: "b", facets: { datasetType: { _deleted: true } } }] });
    expect(warningsOf(validateEvent(event))).toEqual([]);
  });

  it("brackets facet names that are not plain identifiers", () => {
    const warnings = warningsOf(
      validateEvent(runEvent({ run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", facets: { "acme.gpu": 1 } } })),
    );
    expect(warnings).toEqual([{ path: 'run.facets["acme.gpu"]', message: expect.any(String) }]);
  });

  it("warns, without rejecting, when producer or schemaURL is not a string", () => {
    expect(warningsOf(validateEvent(runEvent({ producer: 42 })))).toEqual([{ path: "producer", message: expect.any(String) }]);
  });
});

describe("isRfc3339DateTime", () => {
  it.each([
    "2024-11-26T13:05:23.809955+00:00",
    "2020-12-28T19:52:00.001+10:00",
    "2026-11-24T10:00:00Z",
    "2026-11-24t10:00:00z",
    "2024-02-29T23:59:59-05:30",
  ])("accepts %s", (value) => {
    expect(isRfc3339DateTime(value)).toBe(true);
  });

  it.each([
    "2026-11-24T10:00:00", // no offset
    "2026-11-24 10:00:00Z", // no T
    "2026-11-24",
    "2023-02-29T00:00:00Z", // not a leap year
    "2026-13-01T00:00:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T10:00:60Z", // leap second: refused on purpose, see the doc comment
    "2026-11-24T10:00:00+0100",
    "1732626323",
  ])("refuses %s", (value) => {
    expect(isRfc3339DateTime(value)).toBe(false);
  });
});

describe("validateEvent: size and shape guards", () => {
  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and refuses one more, at the path`, () => {
    const facets = (depth: number) => ({ acme: nest(depth - 3) }); // event > run > facets > acme...
    const ok = runEvent({ run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", facets: facets(MAX_NESTING_DEPTH) } });
    const deep = runEvent({ run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", facets: facets(MAX_NESTING_DEPTH + 1) } });
    expect(validateEvent(ok).ok).toBe(true);
    const errors = errorsOf(validateEvent(deep));
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe(`run.facets.acme${".a".repeat(MAX_NESTING_DEPTH - 3)}`);
    expect(errors[0].message).toMatch(/nested deeper/);
  });

  it("refuses a cyclic structure instead of looping", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const errors = errorsOf(validateEvent(runEvent({ extra: cyclic })));
    expect(errors[0].message).toMatch(/nested deeper/);
  });

  it(`refuses strings longer than ${MAX_STRING_LENGTH} characters`, () => {
    const long = "x".repeat(MAX_STRING_LENGTH + 1);
    const errors = errorsOf(validateEvent(runEvent({ job: { namespace: "ns", name: "j", facets: { sql: { query: long } } } })));
    expect(errors).toEqual([{ path: "job.facets.sql.query", message: expect.stringMatching(/longer than/) }]);
    expect(validateEvent(runEvent({ job: { namespace: "ns", name: "x".repeat(MAX_STRING_LENGTH) } })).ok).toBe(true);
  });

  it("refuses a NUL character (U+0000) in a value or a key, naming where", () => {
    const errors = errorsOf(validateEvent(runEvent({ job: { namespace: "ns", name: "a\u0000b", facets: { ["k\u0000"]: {} } } })));
    expect(errors).toEqual([
      { path: "job.name", message: expect.stringMatching(/NUL character/) },
      { path: "job.facets", message: expect.stringMatching(/key that contains a NUL character/) },
    ]);
    expect(validateEvent(runEvent({ job: { namespace: "ns", name: "a\\u0000b" } })).ok).toBe(true);
  });

  it("refuses a lone surrogate in a value or a key, naming where, and takes a pair", () => {
    const errors = errorsOf(validateEvent(runEvent({ job: { namespace: "ns\udfff", name: "a\ud800b", facets: { ["k\ud83d"]: {} } } })));
    expect(errors).toEqual([
      { path: "job.namespace", message: expect.stringMatching(/lone surrogate/) },
      { path: "job.name", message: expect.stringMatching(/lone surrogate/) },
      { path: "job.facets", message: expect.stringMatching(/key that contains a lone surrogate/) },
    ]);
    expect(validateEvent(runEvent({ job: { namespace: "ns", name: "a\ud83d\ude00b 😀" } })).ok).toBe(true);
  });

  it("refuses values JSON cannot carry", () => {
    const errors = errorsOf(validateEvent(runEvent({ extra: { n: Number.NaN, when: new Date(0) } })));
    expect(errors.map((e) => e.path)).toEqual(["extra.n", "extra.when"]);
  });

  it(`lists at most ${MAX_ISSUES} errors and says how many more there were`, () => {
    const inputs = Array.from({ length: 150 }, () => ({ namespace: "s3://lake", name: "" }));
    const errors = errorsOf(validateEvent(runEvent({ inputs })));
    expect(errors).toHaveLength(MAX_ISSUES + 1);
    expect(errors[MAX_ISSUES]).toEqual({ path: "", message: "50 more problems not listed" });
  });
});
