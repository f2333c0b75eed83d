import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { fixedViewAddress, isAsOfValue, isReadWithPage, parseViewQuery, readExplorerAddress, readViewAddress, viewQueryParams, ViewQuerySchema, withViewAliases } from "./view-query";

const params = (query: string) => new URLSearchParams(query);
const explorer = (query: string) => {
  const read = readExplorerAddress(params(query));
  if (!("state" in read)) throw new Error(`unexpected problems: ${JSON.stringify(read.problems)}`);
  return read.state;
};
const problemsOf = (query: string) => {
  const read = readViewAddress(params(query));
  return "problems" in read ? read.problems.map((p) => p.field) : [];
};

describe("readExplorerAddress", () => {
  it("reads every part of the view from the address", () => {
    const state = explorer(
      "node=dataset%3Ahelix-bio%3Amodels%2Fbinding&depth=3&direction=upstream&view=entity&selected=job%3Ahelix-bio%3Afinetune&expand=up%3Ajob%3Ahelix-bio%3Afinetune&more=down%3A28%3Ajob%3Ahelix-bio%3Afinetune&asOf=49&limit=2000",
    );
    expect(state).toEqual({
      node: "dataset:helix-bio:models/binding",
      depth: 3,
      direction: "upstream",
      view: "entity",
      selected: "job:helix-bio:finetune",
      expand: [{ id: "job:helix-bio:finetune", direction: "upstream" }],
      more: [{ id: "job:helix-bio:finetune", direction: "downstream", shown: 28 }],
      asOf: "49",
      limit: 2000,
    });
  });

  it("is the start page without a node, and takes the node's own granularity by default", () => {
    expect(explorer("").node).toBeNull();
    expect(explorer("node=run%3Aabc").view).toBe("version");
    expect(explorer("node=dataset%3Aa%3Ab").view).toBe("entity");
  });

  it("names every bad part instead of replacing it with a default", () => {
    expect(problemsOf("node=run%3Aabc&depth=banana&direction=sideways&view=galaxy&expand=left%3Ajob%3Ax&limit=0&asOf=yesterday")).toEqual(
      expect.arrayContaining(["depth", "direction", "view", "expand.0.direction", "limit", "asOf"]),
    );
    expect(problemsOf("node=job%3Aa%3Ab&depth=99")).toEqual(["depth"]);
    expect(problemsOf("node=job%3Aa%3Ab&depth=1.5")).toEqual(["depth"]);
    expect(problemsOf("node=not-an-id")).toEqual(["node"]);
    expect(problemsOf("node=job%3Aa%3Ab&expand=up%3Anot-an-id")).toEqual(["expand.0.id"]);
    expect(problemsOf("node=job%3Aa%3Ab&more=down%3Amany%3Ajob%3Aa%3Ab&more=left%3A3%3Ajob%3Aa%3Ab")).toEqual(["more.0.shown", "more.1.direction"]);
  });

  it("drops a repeated expansion and leaves an empty asOf out (the view shows now)", () => {
    expect(explorer("node=job%3Aa%3Ab&expand=up%3Ajob%3Aa%3Ab&expand=up%3Ajob%3Aa%3Ab").expand).toHaveLength(1);
    expect(explorer("node=job%3Aa%3Ab&asOf=").asOf).toBeUndefined();
  });
});

describe("viewQueryParams", () => {
  it("round-trips: the address it builds reads back to the same state", () => {
    const state = {
      node: "datasetVersion:helix-bio:generated/molecules-batch:2026-11-02",
      depth: 4,
      direction: "downstream" as const,
      view: "version" as const,
      selected: "run:7d3c",
      expand: [
        { id: "run:7d3c", direction: "upstream" as const },
        { id: "datasetVersion:helix-bio:x:1", direction: "downstream" as const },
      ],
      more: [{ id: "run:7d3c", direction: "downstream" as const, shown: 48 }],
      asOf: "2026-10-25T00:00:00Z",
      limit: 40,
    };
    expect(explorer(viewQueryParams(state).toString())).toEqual(state);
  });

  it("names the node nodeId for the API, which reads either name", () => {
    const built = viewQueryParams({ node: "job:a:b", depth: 1, direction: "both" }, "nodeId");
    expect(built.get("nodeId")).toBe("job:a:b");
    expect(parseViewQuery(built).node).toBe("job:a:b");
  });
});

describe("the schema in JSON bodies", () => {
  it("takes a number or a string as asOf and the older names nodeId and selectedId", () => {
    const parsed = withViewAliases(ViewQuerySchema).parse({ nodeId: "job:a:b", selectedId: "run:1", asOf: 49 }) as { node: string; selected: string; asOf: string };
    expect(parsed).toMatchObject({ node: "job:a:b", selected: "run:1", asOf: "49", depth: 2, direction: "both", expand: [] });
  });

  it("throws a ZodError (a 400 with each field through the error mapper) on bad input", () => {
    expect(() => parseViewQuery(params("nodeId=job%3Aa%3Ab&direction=sideways"))).toThrow(ZodError);
  });
});

describe("isAsOfValue", () => {
  it("takes an event number, a real date or a real time, and nothing else", () => {
    for (const good of ["182", "2026-10-25", "2026-10-25T12:00:00Z", "2026-10-25T12:00:00.5+02:00"]) expect(isAsOfValue(good), good).toBe(true);
    for (const bad of ["", "yesterday", "2026-13-45", "2026-10-25T25:99:00Z", "-3", "1e3", "99999999999999999999"]) expect(isAsOfValue(bad), bad).toBe(false);
  });

  it("is the rule the view query applies: a bad as-of point is a problem named asOf", () => {
    expect(problemsOf("node=job%3Aa%3Ab&asOf=2026-13-45")).toEqual(["asOf"]);
    expect(problemsOf("node=job%3Aa%3Ab&asOf=2026-10-25")).toEqual([]);
  });
});

describe("fixedViewAddress", () => {
  it("leaves out each bad part, a bad expansion alone, so the rest of the view is kept", () => {
    const fixed = fixedViewAddress(params("node=job%3Aa%3Ab&depth=99&direction=sideways&expand=up%3Ajob%3Aa%3Ab&expand=up%3Anot-an-id&asOf=49"));
    expect(fixed?.toString()).toBe("node=job%3Aa%3Ab&expand=up%3Ajob%3Aa%3Ab&asOf=49");
    expect(explorer(fixed!.toString())).toMatchObject({ depth: 2, direction: "both", expand: [{ id: "job:a:b", direction: "upstream" }], asOf: "49" });
  });

  it("offers nothing for a good address, or when the node itself is wrong", () => {
    expect(fixedViewAddress(params("node=job%3Aa%3Ab&depth=3"))).toBeNull();
    expect(fixedViewAddress(params("node=not-an-id&depth=3"))).toBeNull();
  });
});

describe("isReadWithPage", () => {
  it("reads a view within the default budget whose focus is of its granularity", () => {
    expect(isReadWithPage({ node: "dataset:a:b", view: "entity" })).toBe(true);
    expect(isReadWithPage({ node: "dataset:a:b", view: "entity", limit: 300 })).toBe(true);
    expect(isReadWithPage({ node: "run:00000000-0000-0000-0000-000000000000", view: "version", limit: 50 })).toBe(true);
  });

  it("leaves a view past the default budget, or one whose focus is first resolved, to the browser", () => {
    expect(isReadWithPage({ node: "dataset:a:b", view: "entity", limit: 301 })).toBe(false);
    expect(isReadWithPage({ node: "dataset:a:b", view: "entity", limit: 5_000 })).toBe(false);
    expect(isReadWithPage({ node: "dataset:a:b", view: "version" })).toBe(false);
  });
});
