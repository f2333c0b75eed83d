import { describe, expect, it } from "vitest";
import type { ColumnLineageNode, DatasetFieldSummary } from "./columns";
import { FIELD_LIST, FIELDS_SHOWN, fieldListHeight, fieldPathOnGraph, filterFields, visibleFields } from "./columns-view";

const field = (name: string, type: string | null = "int"): DatasetFieldSummary => ({ id: `datasetField:ns:t:${name}`, field: name, type, hasLineage: false, isMasked: false });
const many = (n: number) => Array.from({ length: n }, (_, i) => field(`f${String(i).padStart(3, "0")}`));

describe("fieldListHeight", () => {
  it("grows with the rows shown, adds the filter box past the fold and the 'N more' row when folded", () => {
    expect(fieldListHeight(3, FIELDS_SHOWN)).toBe(FIELD_LIST.padding + 3 * FIELD_LIST.row);
    expect(fieldListHeight(100, FIELDS_SHOWN)).toBe(FIELD_LIST.padding + FIELD_LIST.filter + FIELDS_SHOWN * FIELD_LIST.row + FIELD_LIST.more);
    expect(fieldListHeight(100, 200)).toBe(FIELD_LIST.padding + FIELD_LIST.filter + 100 * FIELD_LIST.row);
  });

  it("keeps one row for a dataset without fields (it says so)", () => {
    expect(fieldListHeight(0, FIELDS_SHOWN)).toBe(FIELD_LIST.row + FIELD_LIST.padding);
  });
});

describe("visibleFields", () => {
  it("shows the first fields in schema order and folds the rest", () => {
    expect(visibleFields(many(20), 8, new Set()).map((f) => f.field)).toEqual(many(8).map((f) => f.field));
  });

  it("never folds a field on the path away, and keeps the count (the node's size) the same", () => {
    const fields = many(20);
    const shown = visibleFields(fields, 8, new Set([fields[15].id]));
    expect(shown).toHaveLength(8);
    expect(shown.map((f) => f.field)).toContain("f015");
    expect(shown.map((f) => f.field)).not.toContain("f007");
  });
});

describe("filterFields", () => {
  it("matches name or type without regard to case; a blank filter keeps all", () => {
    const fields = [field("patient_id", "string"), field("dose_mg", "FLOAT"), field("site")];
    expect(filterFields(fields, "DOSE").map((f) => f.field)).toEqual(["dose_mg"]);
    expect(filterFields(fields, "float").map((f) => f.field)).toEqual(["dose_mg"]);
    expect(filterFields(fields, "  ")).toHaveLength(3);
  });
});

describe("fieldPathOnGraph", () => {
  const node = (ns: string, dataset: string, f: string, outTo: string[] = []): ColumnLineageNode => {
    const id = `datasetField:${ns}:${dataset}:${f}`;
    return {
      id,
      type: "DATASET_FIELD",
      data: { namespace: ns, dataset, datasetVersion: null, field: f, fieldType: null, inputFields: [] },
      inEdges: [],
      outEdges: outTo.map((destination) => ({ origin: id, destination })),
    };
  };

  it("lights the datasets of the path's fields and the jobs that carried each field edge, not their siblings", () => {
    const graph = [node("ns", "raw", "id", ["datasetField:ns:features:pid"]), node("ns", "features", "pid")];
    const viewEdges = [
      { source: "dataset:ns:raw", target: "job:ns:build" },
      { source: "job:ns:build", target: "dataset:ns:features" },
      { source: "dataset:ns:raw", target: "job:ns:audit" },
      { source: "job:ns:audit", target: "dataset:ns:report" },
    ];
    const path = fieldPathOnGraph(graph, viewEdges);
    expect([...path.fieldIds].sort()).toEqual(["datasetField:ns:features:pid", "datasetField:ns:raw:id"]);
    expect([...path.highlight.nodeIds].sort()).toEqual(["dataset:ns:features", "dataset:ns:raw", "job:ns:build"]);
    expect(path.highlight.edgeKeys.size).toBe(2);
  });
});
