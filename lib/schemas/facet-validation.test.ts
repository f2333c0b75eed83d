import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FACET_SCHEMAS, KNOWN_FACETS, precompileFacetValidators, type FacetContainer } from "./facet-validation";

interface SchemaFile {
  $id: string;
  $defs: Record<string, { allOf?: { $ref?: string }[] }>;
  properties: Record<string, unknown>;
}

const CORE_BASE: Record<FacetContainer, string> = {
  run: "RunFacet",
  job: "JobFacet",
  dataset: "DatasetFacet",
  input: "InputDatasetFacet",
  output: "OutputDatasetFacet",
};

/** The core facet type a definition builds on (its allOf's $ref into OpenLineage.json), if any. */
function baseOf(schema: SchemaFile, defName: string): string | null {
  for (const part of schema.$defs[defName]?.allOf ?? []) {
    const m = /OpenLineage\.json#\/\$defs\/(\w+)$/.exec(part.$ref ?? "");
    if (m) return m[1];
  }
  return null;
}

const schemas = FACET_SCHEMAS as unknown as SchemaFile[];
const byId = new Map(schemas.map((s) => [s.$id, s]));

describe("KNOWN_FACETS", () => {
  const entries = (Object.entries(KNOWN_FACETS) as [FacetContainer, Record<string, string>][]).flatMap(
    ([container, byName]) => Object.entries(byName).map(([name, ref]) => ({ container, name, ref })),
  );

  it.each(entries)("$container facet $name points at a definition built on that container's facet type", ({ container, name, ref }) => {
    const [id, pointer] = ref.split("#/$defs/");
    const schema = byId.get(id);
    expect(schema, `schema ${id}`).toBeDefined();
    expect(baseOf(schema!, pointer)).toBe(CORE_BASE[container]);
    // The facet name is the key the schema file declares for it.
    expect(Object.keys(schema!.properties)).toContain(name);
  });

  it("covers every facet definition in the bundled schema files exactly once", () => {
    const defined: string[] = [];
    for (const schema of schemas) {
      for (const defName of Object.keys(schema.$defs)) {
        if (baseOf(schema, defName) !== null) defined.push(`${schema.$id}#/$defs/${defName}`);
      }
    }
    expect(entries.map((e) => e.ref).sort()).toEqual(defined.sort());
  });

  it("loads every schema file shipped in lib/schemas", () => {
    const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));
    const files = [
      ...readdirSync(dir("./openlineage-spec/facets/")).map((f) => dir(`./openlineage-spec/facets/${f}`)),
      ...readdirSync(dir("./facets/")).map((f) => dir(`./facets/${f}`)),
    ];
    const ids = files.map((f) => (JSON.parse(readFileSync(f, "utf8")) as SchemaFile).$id).sort();
    expect(schemas.map((s) => s.$id).sort()).toEqual(ids);
  });

  it("compiles every known facet's validator (no dangling $ref)", () => {
    expect(() => precompileFacetValidators()).not.toThrow();
  });
});
