import { describe, expect, it } from "vitest";
import { validateEvent } from "./openlineage";
import { THREADLINE_SCHEMA_URLS, readFlagFacet } from "./threadline-facets";

/** The DatasetEvent POST /api/v1/flags appends: the version facet names what is flagged. */
function flagEvent(flag: Record<string, unknown>) {
  return {
    eventTime: "2026-11-03T09:00:00Z",
    producer: "https://threadline.dev/flags",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
    dataset: {
      namespace: "s3://lake",
      name: "assays/kinase",
      facets: {
        version: { datasetVersion: "delivery-1" },
        threadline_flag: { _producer: "https://threadline.dev/flags", _schemaURL: THREADLINE_SCHEMA_URLS.threadline_flag.dataset, ...flag },
      },
    },
  };
}

describe("threadline_flag", () => {
  it("validates an add and a remove without warnings", () => {
    const add = validateEvent(flagEvent({ flagId: "f1", action: "add", kind: "bias", severity: "high", reason: "vendor curve fit", by: "lena" }));
    expect(add.ok && add.warnings).toEqual([]);
    const remove = validateEvent(flagEvent({ flagId: "f1", action: "remove", reason: "re-measured", by: "lena" }));
    expect(remove.ok && remove.warnings).toEqual([]);
  });

  it("warns when an add has no kind or an unknown severity", () => {
    const result = validateEvent(flagEvent({ flagId: "f1", action: "add", severity: "huge", reason: "r", by: "b" }));
    expect(result.ok && result.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(["dataset.facets.threadline_flag.kind", "dataset.facets.threadline_flag.severity"]),
    );
  });

  it("reads a flag leniently: unknown labels fall back, a flag without an id or action is ignored", () => {
    expect(readFlagFacet({ threadline_flag: { flagId: "f", action: "add", kind: "weird", reason: "r", by: "b" } })).toEqual({
      flagId: "f",
      action: "add",
      kind: "other",
      severity: "medium",
      reason: "r",
      by: "b",
    });
    expect(readFlagFacet({ threadline_flag: { action: "add" } })).toBeNull();
    expect(readFlagFacet({ threadline_flag: { flagId: "f", action: "delete" } })).toBeNull();
    expect(readFlagFacet({})).toBeNull();
  });
});
