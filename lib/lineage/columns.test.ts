import { describe, expect, it } from "vitest";
import { columnLineageOf, describeSchemaChange, hasColumnFacets, schemaChanges, schemaFieldsOf, transformationLabel } from "./columns";

describe("schemaFieldsOf", () => {
  it("flattens nested fields to their path, depth first, in the producer's order", () => {
    const facets = { schema: { fields: [{ name: "id", type: "int" }, { name: "address", type: "struct", fields: [{ name: "city", type: "string", description: "town" }] }, { name: "x" }] } };
    expect(schemaFieldsOf(facets)).toEqual([
      { field: "id", type: "int", description: null },
      { field: "address", type: "struct", description: null },
      { field: "address.city", type: "string", description: "town" },
      { field: "x", type: null, description: null },
    ]);
  });

  it("skips nameless entries and counts a repeated path once; no schema facet is no fields", () => {
    expect(schemaFieldsOf({ schema: { fields: [{ type: "int" }, { name: "a" }, { name: "a", type: "int" }, "junk"] } })).toEqual([{ field: "a", type: null, description: null }]);
    expect(schemaFieldsOf({})).toEqual([]);
    expect(schemaFieldsOf(undefined)).toEqual([]);
  });
});

describe("columnLineageOf", () => {
  const src = (name: string, field: string, transformations: unknown[] = []) => ({ namespace: "ns", name, field, transformations });

  it("reads 1-2-0 transformations (type, subtype, description, masking) sorted by field and source", () => {
    const facets = {
      columnLineage: {
        fields: {
          z: { inputFields: [src("t2", "b", [{ type: "DIRECT", subtype: "AGGREGATION", description: "sum", masking: false }]), src("t1", "a")] },
          a: { inputFields: [src("t1", "pii", [{ type: "DIRECT", subtype: "TRANSFORMATION", masking: true }])] },
        },
      },
    };
    const lineage = columnLineageOf(facets);
    expect(lineage.map((l) => l.field)).toEqual(["a", "z"]);
    expect(lineage[0].sources[0].transformations).toEqual([{ type: "DIRECT", subtype: "TRANSFORMATION", description: null, masking: true }]);
    expect(lineage[1].sources.map((s) => `${s.name}.${s.field}`)).toEqual(["t1.a", "t2.b"]);
  });

  it("keeps the older form's transformationDescription and transformationType", () => {
    const [l] = columnLineageOf({ columnLineage: { fields: { a: { inputFields: [src("t", "a")], transformationDescription: "identical", transformationType: "IDENTITY" } } } });
    expect(l).toMatchObject({ transformationDescription: "identical", transformationType: "IDENTITY" });
  });

  it("applies whole-dataset inputs to every output field, schema fields included, and merges a source named twice", () => {
    const facets = {
      schema: { fields: [{ name: "a" }, { name: "b" }] },
      columnLineage: {
        fields: { a: { inputFields: [src("t", "k", [{ type: "DIRECT", subtype: "IDENTITY" }])] } },
        dataset: [src("t", "k", [{ type: "INDIRECT", subtype: "JOIN" }])],
      },
    };
    const lineage = columnLineageOf(facets);
    expect(lineage.map((l) => [l.field, l.sources.map((s) => s.transformations.map((t) => t.subtype).join("+"))])).toEqual([
      ["a", ["IDENTITY+JOIN"]],
      ["b", ["JOIN"]],
    ]);
  });

  it("leaves out input fields missing a namespace, name or field", () => {
    expect(columnLineageOf({ columnLineage: { fields: { a: { inputFields: [{ namespace: "ns", name: "t" }] } } } })).toEqual([]);
  });
});

describe("hasColumnFacets", () => {
  it("is true only for facets carrying a schema or column lineage", () => {
    expect(hasColumnFacets({ schema: {} })).toBe(true);
    expect(hasColumnFacets({ columnLineage: {} })).toBe(true);
    expect(hasColumnFacets({ version: {} })).toBe(false);
    expect(hasColumnFacets(undefined)).toBe(false);
  });
});

describe("schemaChanges", () => {
  const f = (field: string, type: string | null) => ({ field, type, description: null });

  it("lists added, retyped (case aside) and removed fields", () => {
    const before = [f("id", "int"), f("dose_mg", "float"), f("gone", "text"), f("same", "INT")];
    const after = [f("id", "int"), f("dose_mg", "string"), f("same", "int"), f("new", "date")];
    expect(schemaChanges(before, after)).toEqual([
      { field: "dose_mg", change: "retyped", typeBefore: "float", typeAfter: "string" },
      { field: "new", change: "added", typeBefore: null, typeAfter: "date" },
      { field: "gone", change: "removed", typeBefore: "text", typeAfter: null },
    ]);
  });

  it("says each change in one sentence", () => {
    expect(describeSchemaChange({ field: "dose_mg", change: "retyped", typeBefore: "float", typeAfter: "string" })).toBe("`dose_mg` became string (was float)");
    expect(describeSchemaChange({ field: "x", change: "added", typeBefore: null, typeAfter: "int" })).toBe("`x` was added (int)");
    expect(describeSchemaChange({ field: "x", change: "removed", typeBefore: "int", typeAfter: null })).toBe("`x` was removed (was int)");
  });
});

describe("transformationLabel", () => {
  it("names type and subtype, or falls back to the older form's type", () => {
    expect(transformationLabel([{ type: "DIRECT", subtype: "IDENTITY", description: null, masking: false }], null)).toBe("DIRECT/IDENTITY");
    expect(transformationLabel([], "IDENTITY")).toBe("IDENTITY");
    expect(transformationLabel([], null)).toBe("unknown");
  });
});
