import { describe, expect, it } from "vitest";
import { DEFAULT_DEPTH, MAX_DEPTH, MAX_LIMIT, buildExplorerQuery, granularityOf, parseExplorerState, recentre } from "./url-state";

const parse = (query: string) => parseExplorerState(new URLSearchParams(query));

describe("parseExplorerState", () => {
  it("reads every part of the view from the address", () => {
    const state = parse(
      "node=dataset%3Ahelix-bio%3Amodels%2Fbinding&depth=3&direction=upstream&view=entity&selected=job%3Ahelix-bio%3Afinetune&expand=up%3Ajob%3Ahelix-bio%3Afinetune",
    );
    expect(state).toEqual({
      node: "dataset:helix-bio:models/binding",
      depth: 3,
      direction: "upstream",
      view: "entity",
      selected: "job:helix-bio:finetune",
      expand: [{ id: "job:helix-bio:finetune", direction: "upstream" }],
    });
  });

  it("falls back to defaults for missing or malformed values", () => {
    const state = parse("node=run%3Aabc&depth=banana&direction=sideways&view=galaxy&expand=left%3Ajob%3Ax&expand=up%3Anot-an-id");
    expect(state.depth).toBe(DEFAULT_DEPTH);
    expect(state.direction).toBe("both");
    expect(state.view).toBe("version");
    expect(state.expand).toEqual([]);
    expect(parse("").node).toBeNull();
  });

  it("clamps depth into the allowed range", () => {
    expect(parse("node=job%3Aa%3Ab&depth=99").depth).toBe(MAX_DEPTH);
    expect(parse("node=job%3Aa%3Ab&depth=0").depth).toBe(1);
  });

  it("drops a repeated expansion", () => {
    expect(parse("node=job%3Aa%3Ab&expand=up%3Ajob%3Aa%3Ab&expand=up%3Ajob%3Aa%3Ab").expand).toHaveLength(1);
  });
});

describe("buildExplorerQuery", () => {
  it("round-trips: the address it builds parses back to the same state", () => {
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
    };
    expect(parseExplorerState(new URLSearchParams(buildExplorerQuery(state)))).toEqual(state);
  });
});

describe("granularityOf and recentre", () => {
  it("puts versions and runs in the version graph and the rest in the entity graph", () => {
    expect(granularityOf("run:1")).toBe("version");
    expect(granularityOf("datasetVersion:a:b:c")).toBe("version");
    expect(granularityOf("dataset:a:b")).toBe("entity");
    expect(granularityOf("job:a:b")).toBe("entity");
  });

  it("starts a fresh view on the new focus, keeping depth and direction", () => {
    const before = parse("node=dataset%3Aa%3Ab&depth=3&direction=upstream&selected=job%3Aa%3Aj&expand=up%3Ajob%3Aa%3Aj");
    const after = recentre(before, "run:42");
    expect(after).toEqual({ node: "run:42", depth: 3, direction: "upstream", view: "version", selected: "run:42", expand: [] });
  });
});

describe("the node budget in the address (?limit=)", () => {
  it("is absent unless the address names a positive whole number, and is capped at MAX_LIMIT", () => {
    expect(parse("node=dataset%3Aa%3Ab").limit).toBeUndefined();
    expect(parse("node=dataset%3Aa%3Ab&limit=5000").limit).toBe(5000);
    expect(parse("node=dataset%3Aa%3Ab&limit=999999").limit).toBe(MAX_LIMIT);
    for (const bad of ["0", "-3", "12.5", "lots", ""]) expect(parse(`node=dataset%3Aa%3Ab&limit=${bad}`).limit).toBeUndefined();
  });

  it("round-trips and survives a re-centring", () => {
    const state = parse("node=dataset%3Aa%3Ab&limit=2000");
    expect(parse(buildExplorerQuery(state))).toEqual(state);
    expect(recentre(state, "run:42").limit).toBe(2000);
  });
});
