import { describe, expect, it } from "vitest";
import { diffLineage } from "./investigate-diff";
import { VersionGraphBuilder, miniDemo } from "@/tests/fixtures/version-graphs";

describe("diffLineage", () => {
  const { graph, ids } = miniDemo();
  const diff = diffLineage(graph, ids.failed, ids.passing);

  it("reports the checkpoint read at another version, paired by dataset", () => {
    expect(diff.inputs.changed).toContainEqual(
      expect.objectContaining({ node: "dataset:ft-model", a: ids.v3, b: ids.v2, aVersion: "v3", bVersion: "v2", depth: 0 }),
    );
  });

  it("walks up through the changed checkpoint: the synthetic set and the CRO assays were added further up", () => {
    expect(diff.inputs.added.map((x) => x.node).sort()).toEqual([ids.cro, ids.gen1].sort());
    expect(diff.inputs.added.find((x) => x.node === ids.gen1)).toMatchObject({ run: ids.ftV3, depth: 1 });
    expect(diff.inputs.added.find((x) => x.node === ids.cro)).toMatchObject({ run: ids.curC3, depth: 2 });
    expect(diff.inputs.changed.map((c) => c.node)).toContain("dataset:corpus");
  });

  it("lists changed parameters old and new, per run, and leaves equal ones out", () => {
    expect(diff.parameters).toContainEqual(
      expect.objectContaining({ node: ids.genFail, counterpart: ids.genPass, key: "temperature", a: "1.2", b: "0.9" }),
    );
    expect(diff.parameters).toContainEqual(expect.objectContaining({ node: ids.ftV3, key: "synthetic_mix_ratio", a: "0.25", b: null }));
    expect(diff.parameters.some((p) => p.key === "learning_rate")).toBe(false);
  });

  it("reports the code version that changed between the two fine-tunes", () => {
    expect(diff.code).toEqual([
      expect.objectContaining({ node: ids.ftV3, a: "bbbbbbbbbbbbbbbbbbbb", b: "aaaaaaaaaaaaaaaaaaaa", depth: 1 }),
    ]);
  });

  it("stops at identical versions: the shared prompt and base model produce no difference", () => {
    const mentioned = JSON.stringify([diff.inputs, diff.parameters, diff.code]);
    expect(mentioned).not.toContain(ids.prompt);
    expect(mentioned).not.toContain(ids.base);
  });

  it("collects the reasons recorded on the differing versions and runs", () => {
    const reasons = diff.reasons.map((r) => r.reason);
    expect(reasons).toContain("add synthetic set gen-1");
    expect(reasons).toContain("add CRO kinase panel");
    expect(diff.reasons.find((r) => r.node === ids.v2)?.side).toBe("b");
  });

  it("ranks the changed checkpoint first, then the synthetic input, before seeds", () => {
    const keys = diff.ranked.map((r) => r.key);
    expect(keys[0]).toBe(`input-changed:dataset:ft-model:${ids.v3}`);
    expect(diff.ranked[0].reason?.reason).toBe("add synthetic set gen-1");
    const synthetic = keys.indexOf(`input-added:${ids.gen1}`);
    const temperature = keys.indexOf(`parameter:${ids.genFail}:temperature`);
    const seed = keys.indexOf(`parameter:${ids.genFail}:seed`);
    expect(synthetic).toBeGreaterThan(0);
    expect(synthetic).toBeLessThan(seed);
    expect(temperature).toBeLessThan(seed);
    for (let i = 1; i < diff.ranked.length; i++) expect(diff.ranked[i - 1].score).toBeGreaterThanOrEqual(diff.ranked[i].score);
  });

  it("marks nodes changed, added, removed, counterpart or same", () => {
    expect(diff.marks[ids.failed]).toBe("changed");
    expect(diff.marks[ids.v3]).toBe("changed");
    expect(diff.marks[ids.gen1]).toBe("changed");
    expect(diff.marks[ids.cro]).toBe("changed");
    expect(diff.marks[ids.passing]).toBe("counterpart");
    expect(diff.marks[ids.genPass]).toBe("counterpart");
    // v2 is behind both: behind b directly, behind a through the synthetic set.
    expect(diff.marks[ids.v2]).toBe("same");
    expect(diff.marks[ids.prompt]).toBe("same");
    expect(diff.marks[ids.b16]).toBe("added");
  });

  it("compares two runs directly, and reports an input only b's run read as removed", () => {
    const reversed = diffLineage(graph, ids.ftV3, `run:ft-v2`);
    expect(reversed.inputs.added.map((x) => x.node).sort()).toEqual([ids.cro, ids.gen1].sort());
    const back = diffLineage(graph, `run:ft-v2`, ids.ftV3);
    expect(back.inputs.removed.map((x) => x.node).sort()).toEqual([ids.cro, ids.gen1].sort());
    expect(back.marks[ids.gen1]).toBe("removed");
  });

  it("finds nothing between an artefact and itself", () => {
    const same = diffLineage(graph, ids.failed, ids.failed);
    expect(same.ranked).toEqual([]);
    expect(Object.values(same.marks).every((m) => m === "same")).toBe(true);
  });

  it("reports a different producing job and terminates on a run read twice in a diamond", () => {
    const g = new VersionGraphBuilder();
    const src = g.version("src", "1");
    const left = g.version("left", "1");
    const right = g.version("right", "1");
    g.run("split", "s", { inputs: [src], outputs: [left, right] });
    const x = g.version("out", "x");
    const y = g.version("out", "y");
    g.run("join-a", "ja", { inputs: [left, right], outputs: [x] });
    g.run("join-b", "jb", { inputs: [left, right], outputs: [y] });
    const d = diffLineage(g.graph, x, y);
    expect(d.jobs).toEqual([expect.objectContaining({ node: "run:ja", counterpart: "run:jb", a: "job:join-a", b: "job:join-b" })]);
    expect(d.inputs.changed).toEqual([]);
  });
});

describe("diffLineage and schemas", () => {
  it("reports how an input's schema changed between the good output's version and the failed one's", () => {
    const g = new VersionGraphBuilder();
    const good = g.version("features", "f1", { schema: [["patient_id", "string"], ["dose_mg", "float"], ["site", "string"]] });
    const bad = g.version("features", "f2", { schema: [["patient_id", "string"], ["dose_mg", "string"], ["arm", "string"]] });
    const outGood = g.version("scores", "s1");
    const outBad = g.version("scores", "s2", { isFailed: true });
    g.run("score", "r1", { inputs: [good], outputs: [outGood] });
    g.run("score", "r2", { inputs: [bad], outputs: [outBad], state: "FAILED" });
    const diff = diffLineage(g.graph, outBad, outGood);
    expect(diff.inputs.changed[0].schemaChanges).toEqual([
      { field: "dose_mg", change: "retyped", typeBefore: "float", typeAfter: "string" },
      { field: "arm", change: "added", typeBefore: null, typeAfter: "string" },
      { field: "site", change: "removed", typeBefore: "string", typeAfter: null },
    ]);
    const top = diff.ranked.find((r) => r.kind === "input-changed")!;
    expect(top.title).toBe("Input features: f1 → f2, schema changed");
    expect(top.detail).toContain("`dose_mg` became string (was float)");
  });

  it("says nothing of schemas when a side recorded none", () => {
    const g = new VersionGraphBuilder();
    const good = g.version("features", "f1");
    const bad = g.version("features", "f2", { schema: [["dose_mg", "string"]] });
    const outGood = g.version("scores", "s1");
    const outBad = g.version("scores", "s2");
    g.run("score", "r1", { inputs: [good], outputs: [outGood] });
    g.run("score", "r2", { inputs: [bad], outputs: [outBad] });
    expect(diffLineage(g.graph, outBad, outGood).inputs.changed[0].schemaChanges).toEqual([]);
  });
});
