import { describe, expect, it } from "vitest";
import { checkEventLimits, type EventLimits } from "./event-limits";
import { validateEvent } from "./openlineage";

const LIMITS: EventLimits = { maxInputs: 3, maxOutputs: 2, maxFacets: 4, maxFields: 200 };

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
