import { describe, expect, it } from "vitest";
import { factorsBehind, placeOf, rankCauses, type Factor, type Outcome } from "./causes";
import { VersionGraphBuilder } from "@/tests/fixtures/version-graphs";
import { miniDemo } from "@/tests/fixtures/version-graphs";
import { seededRandom } from "@/scripts/harness/random";

const factor = (key: string, kind: Factor["kind"] = "version", depth = 1): Factor => ({ key, kind, label: key, node: key, depth });

/** 200 outputs: a planted cause behind most failures, 20 noise factors, one factor everywhere. */
function plantedOutcomes(seed: number): Outcome[] {
  const random = seededRandom(seed);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < 200; i++) {
    const hasCause = random() < 0.3;
    const isFailed = random() < (hasCause ? 0.8 : 0.1);
    const factors: Factor[] = [factor("everywhere", "checkpoint", 1)];
    if (hasCause) factors.push(factor("planted", "parameter", 3));
    for (let n = 0; n < 20; n++) if (random() < 0.2 + (n % 5) * 0.1) factors.push(factor(`noise-${n}`));
    // A one-off value behind a single output (like a seed): maximal lift when that output failed.
    factors.push(factor(`seed-${i}`, "parameter", 1));
    outcomes.push({ id: `out-${i}`, isFailed, factors });
  }
  return outcomes;
}

describe("rankCauses", () => {
  it.each([1, 2, 3, 4, 5])("ranks the planted cause first among seeded random noise (seed %i)", (seed) => {
    const result = rankCauses(plantedOutcomes(seed));
    expect(result.causes[0].key).toBe("planted");
    expect(result.causes[0].lift).toBeGreaterThan(2);
    expect(result.causes[0].rateWithout).not.toBeNull();
    expect(result.causes[0].rateWith).toBeGreaterThan(result.causes[0].rateWithout as number);
  });

  it("gives a factor present behind every output lift 1 and score 0, so it never ranks first", () => {
    const result = rankCauses(plantedOutcomes(7));
    const everywhere = result.causes.find((c) => c.key === "everywhere");
    expect(everywhere).toMatchObject({ lift: 1, score: 0, rateWithout: null, failedWithout: 0, passingWithout: 0 });
    expect(result.causes[0].key).not.toBe("everywhere");
  });

  it("ranks a one-off value behind a single failure below a cause behind many, despite its higher lift", () => {
    const result = rankCauses(plantedOutcomes(3));
    const oneOff = result.causes.find((c) => c.key.startsWith("seed-"));
    expect(oneOff).toBeDefined();
    expect(oneOff?.lift).toBeGreaterThan(result.causes[0].lift);
    expect(result.causes.indexOf(oneOff as never)).toBeGreaterThan(0);
  });

  it("reports the counts behind each rank, which add up to the totals", () => {
    const result = rankCauses(plantedOutcomes(11));
    for (const c of result.causes) {
      expect(c.failedWith + c.failedWithout).toBe(result.failed);
      expect(c.passingWith + c.passingWithout).toBe(result.passing);
      expect(c.failedOutputs).toHaveLength(c.failedWith);
    }
  });

  it("leaves out factors behind fewer failures than asked, but never more than there are failures", () => {
    const result = rankCauses(plantedOutcomes(3), { minFailed: 2 });
    expect(result.causes.some((c) => c.key.startsWith("seed-"))).toBe(false);
    expect(result.causes[0].key).toBe("planted");
    const single: Outcome[] = [
      { id: "f", isFailed: true, factors: [factor("x")] },
      { id: "p", isFailed: false, factors: [factor("y")] },
    ];
    expect(rankCauses(single, { minFailed: 2 }).causes.map((c) => c.key)).toEqual(["x"]);
  });

  it("returns no causes when nothing failed or nothing passed", () => {
    expect(rankCauses([{ id: "a", isFailed: true, factors: [factor("x")] }]).causes).toEqual([]);
    expect(rankCauses([{ id: "a", isFailed: false, factors: [factor("x")] }]).causes).toEqual([]);
  });

  it("groups factors behind exactly the same outputs under the nearest checkpoint", () => {
    const outcomes: Outcome[] = [
      { id: "f1", isFailed: true, factors: [factor("param", "parameter", 1), factor("ckpt", "checkpoint", 1), factor("corpus", "version", 2)] },
      { id: "f2", isFailed: true, factors: [factor("param", "parameter", 1), factor("ckpt", "checkpoint", 1), factor("corpus", "version", 2)] },
      { id: "p1", isFailed: false, factors: [factor("other")] },
    ];
    const [top] = rankCauses(outcomes).causes;
    expect(top.key).toBe("ckpt");
    expect(top.alsoPresent.map((x) => x.key).sort()).toEqual(["corpus", "param"]);
  });
});

describe("factorsBehind", () => {
  it("lists upstream versions (models as checkpoints) and parameter values with their distance in runs", () => {
    const { graph, ids } = miniDemo();
    const factors = factorsBehind(graph, ids.failed);
    const byKey = new Map(factors.map((f) => [f.key, f]));
    expect(byKey.get(`version:${ids.v3}`)).toMatchObject({ kind: "checkpoint", depth: 1, label: "ft-model@v3" });
    expect(byKey.get(`param:job:generate:temperature=1.2`)).toMatchObject({ kind: "parameter", depth: 1 });
    expect(byKey.get(`version:${ids.gen1}`)).toMatchObject({ kind: "version", depth: 2 });
    expect(byKey.has(`version:${ids.failed}`)).toBe(false);
    expect(byKey.has(`version:${ids.passing}`)).toBe(false);
  });
});

describe("where a cause sits", () => {
  /**
   * generate (num_samples = 8000 or 5000) -> candidates -> filter -> shortlist -> score -> batch.
   * The batches' own runs (score) always use num_samples = 5000 in their own parameters; the
   * candidates of the failed ones came from a generate run three runs up with 8000.
   */
  function chain(n: number, isFailed: boolean, samples: string) {
    const b = new VersionGraphBuilder();
    const candidates = b.version("candidates", `c${n}`);
    b.run("generate", `gen-${n}`, { inputs: [], outputs: [candidates], parameters: { num_samples: samples } });
    const shortlist = b.version("shortlist", `s${n}`);
    b.run("filter", `filter-${n}`, { inputs: [candidates], outputs: [shortlist], parameters: { threshold: "0.5" } });
    const batch = b.version("batch", `b${n}`, { isFailed });
    b.run("score", `score-${n}`, { inputs: [shortlist], outputs: [batch], parameters: { num_samples: "5000" } });
    return { graph: b.graph, batch };
  }

  it("shows a factor three runs up with its distance, never as a parameter of the failed run itself", () => {
    const outcomes: Outcome[] = [];
    for (let n = 0; n < 6; n++) {
      const isFailed = n < 3;
      const { graph, batch } = chain(n, isFailed, isFailed ? "8000" : "1000");
      outcomes.push({ id: batch, isFailed, factors: factorsBehind(graph, batch) });
    }
    const result = rankCauses(outcomes);
    const planted = result.causes.find((c) => c.key === "param:job:generate:num_samples=8000");
    expect(planted).toMatchObject({ depth: 3, maxDepth: 3, isTransitive: true, failedWith: 3, passingWith: 0 });
    expect(planted?.place).toBe("set 3 runs up, not by the run that made the output");
    // The failed runs' own num_samples is 5000 (behind every output, so it explains nothing) and
    // reads as theirs: one run up, not transitive.
    const own = rankCauses(outcomes, { limit: 100 }).causes.find((c) => c.key === "param:job:score:num_samples=5000");
    expect(own === undefined || (own.depth === 1 && !own.isTransitive)).toBe(true);
    expect(planted?.label).toBe("generate: num_samples = 8000");
  });

  it("says so when a factor is near for some outputs and far for others", () => {
    expect(placeOf("version", 1, 3)).toBe("read 1 to 3 runs up (for some outputs by the run that made them)");
    expect(placeOf("parameter", 1)).toBe("set by the run that made the output");
  });
});
