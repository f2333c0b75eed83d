import { describe, expect, it } from "vitest";
import { VersionGraphBuilder, miniDemo } from "@/tests/fixtures/version-graphs";
import { computeSynthetic, describeSyntheticBasis, syntheticReport } from "./synthetic";

describe("computeSynthetic on the hand-computed miniature demo", () => {
  const { graph, ids } = miniDemo();
  const numbers = computeSynthetic(graph);

  it("counts human sources and models trained only on them as 0 % synthetic, generation 0", () => {
    expect(numbers.get(ids.c2)).toMatchObject({ share: 0, rows: 1000, generation: 0 });
    // base model: trained on c1 (1000 rows); v2: base (1000) + c2 (1000) = 2000 rows of human data.
    expect(numbers.get(ids.base)).toMatchObject({ share: 0, rows: 1000, generation: 0 });
    expect(numbers.get(ids.v2)).toMatchObject({ share: 0, rows: 2000, generation: 0 });
  });

  it("treats model output as synthetic, not yet fed back", () => {
    expect(numbers.get(ids.b16)).toMatchObject({ share: 1, rows: 400, generation: 0, isModelOutput: true });
    expect(numbers.get(ids.gen1)).toMatchObject({ share: 1, rows: 500, generation: 0 });
  });

  it("weights a fine-tune's inputs by rows: 500 synthetic of 1000 + 1500 + 500 = 1/6, one feedback", () => {
    expect(numbers.get(ids.v3)).toMatchObject({ share: 0.1667, rows: 3000, generation: 1 });
  });

  it("passes the generation down to what the model generates", () => {
    expect(numbers.get(ids.failed)).toMatchObject({ share: 1, generation: 1 });
    expect(numbers.get(ids.passing)).toMatchObject({ share: 1, generation: 0 });
  });
});

describe("syntheticReport", () => {
  /** The miniature demo continued: a second and third generation, the last trained on synthetic data alone. */
  function deeper() {
    const { graph, ids } = miniDemo();
    const g = new VersionGraphBuilder();
    Object.assign(g.graph.nodes, graph.nodes);
    g.graph.edges.push(...graph.edges);
    const b3 = g.version("batch", "b-v3", { kind: "output", rowCount: 400 });
    g.run("generate", "gen-v3", { inputs: [ids.v3, ids.prompt], outputs: [b3] });
    const gen2 = g.version("synthetic", "gen-2", { synthetic: { share: 1, generation: 2 }, rowCount: 1000 });
    g.run("filter", "filter-2", { inputs: [b3], outputs: [gen2] });
    const v4 = g.version("ft-model", "v4", { kind: "model" });
    g.run("finetune", "ft-v4", { inputs: [ids.v3, gen2], outputs: [v4] });
    const small = g.version("small-model", "s1", { kind: "model" });
    g.run("distil", "distil", { inputs: [gen2], outputs: [small] });
    return { graph: g.graph, ids: { ...ids, b3, gen2, v4, small } };
  }

  it("lists the synthetic set that entered training, and the training run it entered", () => {
    const { graph, ids } = miniDemo();
    const report = syntheticReport(graph, ids.failed);
    expect(report.sources[0]).toMatchObject({ node: ids.gen1, isRecordedSynthetic: true, enteredTraining: [ids.ftV3] });
    expect(report.sources.map((s) => s.node)).toContain(ids.b16);
    expect(report.warnings).toEqual([]);
  });

  it("counts a second feedback and warns at the generation threshold", () => {
    const { graph, ids } = deeper();
    // v4: v3 (generation 1) + gen-2 (from v3's output, recorded generation 2) -> 2 feedbacks.
    const report = syntheticReport(graph, ids.v4, { share: 0.5, generations: 2 });
    expect(report.generation).toBe(2);
    // rows: v3 3000 (500 synthetic) + gen-2 1000 (all synthetic) = 1500 / 4000.
    expect(report.share).toBe(0.375);
    expect(report.warnings.map((w) => w.code)).toEqual(["deep-generation"]);
  });

  it("warns when a model's training data is mostly synthetic", () => {
    const { graph, ids } = deeper();
    const report = syntheticReport(graph, ids.small, { share: 0.5, generations: 5 });
    expect(report.share).toBe(1);
    expect(report.warnings.map((w) => w.code)).toEqual(["mostly-synthetic"]);
    expect(syntheticReport(graph, ids.small, { share: 1.01, generations: 5 }).warnings).toEqual([]);
  });

  it("does not warn about data, only about models", () => {
    const { graph, ids } = deeper();
    expect(syntheticReport(graph, ids.gen2, { share: 0.1, generations: 1 }).warnings).toEqual([]);
  });

  it("weights inputs equally when a row count is missing", () => {
    const g = new VersionGraphBuilder();
    const human = g.version("human", "1");
    const synth = g.version("synth", "1", { synthetic: { share: 1 }, rowCount: 10 });
    const mixed = g.version("mixed", "1");
    g.run("merge", "m", { inputs: [human, synth], outputs: [mixed] });
    expect(computeSynthetic(g.graph).get(mixed)?.share).toBe(0.5);
  });
});

describe("one definition of synthetic share, said with each number", () => {
  it("gives a model's output 100 % as model output and the model the share of its training data, and says which", () => {
    const g = new VersionGraphBuilder();
    const human = g.version("assays", "1", { rowCount: 995 });
    const synth = g.version("synth", "1", { synthetic: { share: 1 }, rowCount: 5 });
    const model = g.version("model", "v1", { kind: "model" });
    g.run("train", "t1", { inputs: [human, synth], outputs: [model] });
    const batch = g.version("batch", "b1");
    g.run("generate", "g1", { inputs: [model], outputs: [batch] });
    const numbers = computeSynthetic(g.graph);
    expect(numbers.get(batch)).toMatchObject({ share: 1, basis: "model-output" });
    expect(numbers.get(model)).toMatchObject({ share: 0.005, basis: "inputs" });
    expect(numbers.get(synth)?.basis).toBe("recorded");
    expect(numbers.get(human)?.basis).toBe("source");
    expect(describeSyntheticBasis("model-output", false)).toMatch(/model output/);
    expect(describeSyntheticBasis("inputs", true)).toMatch(/trained on/);
  });
});
