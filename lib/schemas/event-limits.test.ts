import { describe, expect, it } from "vitest";
import { checkEventLimits, PROVENANCE_FACET, type EventLimits } from "./event-limits";
import { THREADLINE_FACETS } from "./threadline-facets";
import { validateEvent } from "./openlineage";

const LIMITS: EventLimits = { maxInputs: 3, maxOutputs: 2, maxFacets: 4, maxFields: 200, maxProvenanceFiles: 100 };

function event(inputs: number, outputs: number, facetsPerInput = 0): Record<string, unknown> {
  const facets = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, { _producer: "p" }]));
  return {
    eventType: "COMPLETE",
    eventTime: "2026-11-01T10:00:00Z",
    producer: "https://threadline.dev/tests",
    run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8" },
    job: { namespace: "ns", name: "job" },
    inputs: Array.from({ length: inputs }, (_, i) => ({ namespace: "ns", name: `in${i}`, facets: facets(facetsPerInput) })),
    outputs: Array.from({ length: outputs }, (_, i) => ({ namespace: "ns", name: `out${i}` })),
  };
}

describe("checkEventLimits", () => {
  it("accepts an event exactly at every limit", () => {
    expect(checkEventLimits(event(3, 2, 1), LIMITS)).toEqual([]);
  });

  it("refuses one input over the limit, naming the count, the limit and its setting", () => {
    expect(checkEventLimits(event(4, 0), LIMITS)).toEqual([
      { path: "inputs", message: "has 4 inputs; the limit is 3 per event (THREADLINE_MAX_EVENT_INPUTS)" },
    ]);
  });

  it("refuses outputs over the limit separately from inputs", () => {
    expect(checkEventLimits(event(0, 3), LIMITS)[0]).toMatchObject({ path: "outputs", message: expect.stringContaining("THREADLINE_MAX_EVENT_OUTPUTS") });
  });

  it("counts facets across every dataset of the event", () => {
    const issues = checkEventLimits(event(3, 0, 2), LIMITS);
    expect(issues[0].message).toBe("has 6 facets; the limit is 4 per event (THREADLINE_MAX_EVENT_FACETS)");
  });

  it("counts every JSON value, and stops counting past the limit", () => {
    const wide = { ...event(1, 0), run: { runId: "3f5e83fa-3480-44ff-99c5-ff943904e5e8", blob: Array.from({ length: 1_000_000 }, () => 1) } };
    const started = performance.now();
    const issues = checkEventLimits(wide, LIMITS);
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toContain("more than 200 JSON values");
    expect(issues[0].message).toContain("THREADLINE_MAX_EVENT_FIELDS");
    expect(performance.now() - started).toBeLessThan(100);
  });
});

/** An event whose outputs each list `files[i]` provenance files of the documented flat shape. */
function withFiles(...counts: number[]): Record<string, unknown> {
  const file = (i: number) => ({ name: `mol-${i}.sdf`, contentHash: `sha256:${"a".repeat(64)}`, mediaType: "chemical/x-mdl-sdfile", size: i });
  return {
    ...event(0, 0),
    outputs: counts.map((n, o) => ({ namespace: "ns", name: `batch${o}`, facets: { threadline_provenance: { files: Array.from({ length: n }, (_, i) => file(i)) } } })),
  };
}

describe("checkEventLimits and provenance file lists", () => {
  it("knows the provenance facet by the name the facet readers use", () => {
    expect(PROVENANCE_FACET).toBe(THREADLINE_FACETS.provenance);
  });

  it("counts a flat file entry as one JSON value, so a list far longer than the value limit passes", () => {
    // 100 entries of 5 values each would be 500 values, over the 200 allowed.
    expect(checkEventLimits(withFiles(100), LIMITS)).toEqual([]);
  });

  it("refuses one file over the file limit, naming the list, the count, the limit and its setting", () => {
    expect(checkEventLimits(withFiles(101), LIMITS)).toEqual([
      {
        path: "outputs[0].facets.threadline_provenance.files",
        message: "has 101 provenance files; the limit is 100 per event (THREADLINE_MAX_PROVENANCE_FILES)",
      },
    ]);
  });

  it("adds up the file lists of every dataset in the event", () => {
    expect(checkEventLimits(withFiles(60, 40), LIMITS)).toEqual([]);
    const [issue] = checkEventLimits(withFiles(60, 41), LIMITS);
    expect(issue).toEqual({
      path: "outputs[1].facets.threadline_provenance.files",
      message: "has 101 provenance files with the event's earlier file lists; the limit is 100 per event (THREADLINE_MAX_PROVENANCE_FILES)",
    });
  });

  it("counts an entry that carries more than a file's own scalar fields value by value", () => {
    const nested = withFiles(0);
    const facet = ((nested.outputs as { facets: Record<string, { files: unknown[] }> }[])[0].facets.threadline_provenance);
    facet.files = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, contentHash: "x", extra: { a: 1, b: 2 } }));
    expect(checkEventLimits(nested, LIMITS)[0]?.message).toContain("THREADLINE_MAX_EVENT_FIELDS");
    facet.files = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, contentHash: "x", a: 1, b: 2, c: 3 }));
    expect(checkEventLimits(nested, LIMITS)[0]?.message).toContain("THREADLINE_MAX_EVENT_FIELDS");
  });

  it("counts a files list outside threadline_provenance like any other array", () => {
    const other = withFiles(0);
    (other.outputs as { facets: Record<string, unknown> }[])[0].facets = { custom_listing: { files: Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, contentHash: "x" })) } };
    expect(checkEventLimits(other, LIMITS)[0]?.message).toContain("THREADLINE_MAX_EVENT_FIELDS");
  });
});

describe("validateEvent with limits", () => {
  it("refuses an oversized event before any other check, with the limit as its only error", () => {
    const result = validateEvent({ ...event(4, 0), eventTime: "not a time" }, LIMITS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(["inputs"]);
  });

  it("validates as usual within the limits", () => {
    expect(validateEvent(event(3, 2), LIMITS).ok).toBe(true);
  });
});
