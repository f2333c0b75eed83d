import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateEvent, type ValidationIssue } from "./openlineage";
import {
  THREADLINE_FACETS,
  THREADLINE_SCHEMA_URLS,
  readChangeFacet,
  readEvaluationFacet,
  readGenerationFacet,
  readEvaluationMetrics,
  readModelFacet,
  readProvenanceFacet,
  readSyntheticFacet,
  type ThreadlineChangeFacet,
  type ThreadlineEvaluationFacet,
  type ThreadlineGenerationFacet,
  type ThreadlineModelFacet,
  type ThreadlineProvenanceFacet,
  type ThreadlineSyntheticFacet,
} from "./threadline-facets";

const PRODUCER = "https://threadline.dev/tests";

const change: ThreadlineChangeFacet = {
  _producer: PRODUCER,
  _schemaURL: THREADLINE_SCHEMA_URLS.threadline_change.run,
  reason: "re-normalised plates 14-22 after a reader calibration error",
  author: "lena.hoffmann",
  ticket: "ASSAY-311",
  link: "https://tracker.example.com/ASSAY-311",
};
const model: ThreadlineModelFacet = {
  baseModel: "chemberta-77m",
  architecture: "roberta",
  checkpointStep: 12000,
  framework: "pytorch",
  parameterCount: 77_000_000,
};
const generation: ThreadlineGenerationFacet = {
  model: "mlflow://helix-bio/binder-model@v3",
  promptVersion: "scaffold-hop@4",
  seed: 42,
  sampling: { temperature: 0.8, topP: 0.95, topK: 50, maxTokens: 256, strategy: "nucleus", beam: false },
};
const synthetic: ThreadlineSyntheticFacet = { producedByModel: "binder-model@v3", syntheticShare: 0.35, generation: 1 };
const provenance: ThreadlineProvenanceFacet = {
  contentHash: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  signature: "MEUCIQ...",
  signerKeyId: "kms://helix-bio/signing/1",
  watermarkId: "wm-2026-11-0042",
};
const evaluation: ThreadlineEvaluationFacet = {
  passed: false,
  checks: [
    { name: "validity", passed: true, metric: "valid_smiles_rate", value: 0.99, threshold: 0.95 },
    { name: "toxicity", passed: false, metric: "toxic_rate", value: 0.031, threshold: 0.01, message: "too many toxic alerts" },
  ],
};

/** A RunEvent that carries every Threadline facet where it belongs. */
function eventWith(overrides: {
  run?: Record<string, unknown>;
  dataset?: Record<string, unknown>;
  output?: Record<string, unknown>;
} = {}) {
  return {
    eventType: "COMPLETE",
    eventTime: "2026-11-24T10:00:00Z",
    run: {
      runId: "0193688f-4e3b-7a91-a2a0-a51101a3970c",
      facets: { threadline_change: change, threadline_generation: generation, threadline_evaluation: evaluation, ...overrides.run },
    },
    job: { namespace: "helix-bio", name: "generate" },
    outputs: [
      {
        namespace: "mlflow://helix-bio",
        name: "binder-model",
        facets: {
          datasetType: { datasetType: "MODEL" },
          threadline_model: model,
          threadline_provenance: provenance,
          threadline_change: { ...change, _schemaURL: THREADLINE_SCHEMA_URLS.threadline_change.dataset },
          ...overrides.dataset,
        },
        outputFacets: { threadline_synthetic: synthetic, ...overrides.output },
      },
    ],
  };
}

function warnings(event: unknown): ValidationIssue[] {
  const result = validateEvent(event);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.warnings;
}

describe("Threadline facet schemas", () => {
  it("accept valid examples of every facet without warnings", () => {
    expect(warnings(eventWith())).toEqual([]);
  });

  it("accept threadline_synthetic in a dataset's facets as well as in outputFacets", () => {
    expect(warnings(eventWith({ dataset: { threadline_synthetic: synthetic } }))).toEqual([]);
  });

  it("warn about a syntheticShare above 1", () => {
    expect(warnings(eventWith({ output: { threadline_synthetic: { ...synthetic, syntheticShare: 2 } } }))).toEqual([
      { path: "outputs[0].outputFacets.threadline_synthetic.syntheticShare", message: "must be <= 1" },
    ]);
  });

  it.each([
    [{ run: { threadline_change: { author: "x" } } }, "run.facets.threadline_change.reason", "must have required property"],
    [{ run: { threadline_change: { reason: "r", link: "not a link" } } }, "run.facets.threadline_change.link", 'must match format "uri"'],
    [{ dataset: { threadline_model: { checkpointStep: 1.5 } } }, "outputs[0].facets.threadline_model.checkpointStep", "must be integer"],
    [{ run: { threadline_generation: { seed: "42" } } }, "run.facets.threadline_generation.seed", "must be integer"],
    [{ run: { threadline_generation: { sampling: { stop: ["\n"] } } } }, "run.facets.threadline_generation.sampling.stop", "must be string,number,boolean"],
    [{ output: { threadline_synthetic: { producedByModel: "m" } } }, "outputs[0].outputFacets.threadline_synthetic.syntheticShare", "must have required property"],
    [{ output: { threadline_synthetic: { syntheticShare: 0.5, generation: -1 } } }, "outputs[0].outputFacets.threadline_synthetic.generation", "must be >= 0"],
    [{ dataset: { threadline_provenance: { contentHash: 7 } } }, "outputs[0].facets.threadline_provenance.contentHash", "must be string"],
    [{ run: { threadline_evaluation: { passed: true } } }, "run.facets.threadline_evaluation.checks", "must have required property"],
    [{ run: { threadline_evaluation: { checks: [{ name: "toxicity" }] } } }, "run.facets.threadline_evaluation.checks[0].passed", "must have required property"],
  ])("warn about %j at the offending field", (overrides, path, message) => {
    expect(warnings(eventWith(overrides))).toEqual([{ path, message }]);
  });

  it("follow OpenLineage's conventions: draft 2020-12, Threadline $id, one property named after the facet", () => {
    const dir = fileURLToPath(new URL("./facets/", import.meta.url));
    const files = readdirSync(dir).sort();
    expect(files).toEqual(Object.values(THREADLINE_FACETS).map((n) => `${n}.json`).sort());
    for (const file of files) {
      const schema = JSON.parse(readFileSync(dir + file, "utf8")) as Record<string, unknown>;
      const name = file.replace(/\.json$/, "");
      const pascal = name.replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.$id).toBe(`https://threadline.dev/spec/facets/1-0-0/${pascal}Facet.json`);
      expect(Object.keys(schema.properties as object)).toEqual([name]);
    }
  });

  it("publish _schemaURLs that point at definitions in the schema files", () => {
    const dir = fileURLToPath(new URL("./facets/", import.meta.url));
    for (const [name, urls] of Object.entries(THREADLINE_SCHEMA_URLS)) {
      const schema = JSON.parse(readFileSync(`${dir}${name}.json`, "utf8")) as { $id: string; $defs: object };
      for (const url of Object.values(urls) as string[]) {
        const [id, def] = url.split("#/$defs/");
        expect(id).toBe(schema.$id);
        expect(Object.keys(schema.$defs)).toContain(def);
      }
    }
  });
});

/** Inputs no reader may throw on. */
const GARBAGE: unknown[] = [undefined, null, {}, [], "facets", 3, { threadline_change: null }];

describe("readChangeFacet", () => {
  it("reads reason, author, ticket and link", () => {
    expect(readChangeFacet({ threadline_change: change })).toEqual({
      reason: change.reason,
      author: "lena.hoffmann",
      ticket: "ASSAY-311",
      link: "https://tracker.example.com/ASSAY-311",
    });
  });

  it("returns null when absent or without a usable reason", () => {
    for (const g of GARBAGE) expect(readChangeFacet(g as Record<string, unknown>)).toBeNull();
    expect(readChangeFacet({ threadline_change: { author: "a" } })).toBeNull();
    expect(readChangeFacet({ threadline_change: { reason: "" } })).toBeNull();
    expect(readChangeFacet({ threadline_change: "because" })).toBeNull();
  });

  it("reads fields of the wrong type as null", () => {
    expect(readChangeFacet({ threadline_change: { reason: "r", author: 5, ticket: ["T-1"] } })).toEqual({
      reason: "r",
      author: null,
      ticket: null,
      link: null,
    });
  });
});

describe("readModelFacet", () => {
  it("reads every field", () => {
    expect(readModelFacet({ threadline_model: model })).toEqual({
      baseModel: "chemberta-77m",
      architecture: "roberta",
      checkpointStep: 12000,
      framework: "pytorch",
      parameterCount: 77_000_000,
      registeredModel: null,
      modelVersion: null,
      stage: null,
      aliases: [],
      modelId: null,
      status: null,
    });
  });

  it("reads a registry's version, stage and aliases, keeping only string aliases", () => {
    const registry = { registeredModel: "churn", modelVersion: "3", stage: "Production", aliases: ["champion", 7, ""], modelId: "m-1", status: "READY" };
    expect(readModelFacet({ threadline_model: registry })).toMatchObject({ ...registry, aliases: ["champion"] });
  });

  it("returns null when absent and nulls for unusable fields", () => {
    for (const g of GARBAGE) expect(readModelFacet(g as Record<string, unknown>)).toBeNull();
    expect(readModelFacet({ threadline_model: { checkpointStep: 1.5, parameterCount: -3, framework: 1 } })).toEqual({
      baseModel: null,
      architecture: null,
      checkpointStep: null,
      framework: null,
      parameterCount: null,
      registeredModel: null,
      modelVersion: null,
      stage: null,
      aliases: [],
      modelId: null,
      status: null,
    });
  });
});

describe("readEvaluationMetrics", () => {
  it("reads each metric's latest value, step, history length and dataset, dropping entries without a key", () => {
    const facets = { threadline_evaluation: { metrics: [{ key: "f1", value: 0.8, step: 4, historyLength: 5, datasetName: "eval", datasetDigest: "d1" }, { value: 1 }, { key: "loss", value: null }] } };
    expect(readEvaluationMetrics(facets)).toEqual([
      { key: "f1", value: 0.8, step: 4, timestamp: null, historyLength: 5, datasetName: "eval", datasetDigest: "d1" },
      { key: "loss", value: null, step: null, timestamp: null, historyLength: null, datasetName: null, datasetDigest: null },
    ]);
  });

  it("accepts a metrics-only evaluation facet without a warning, and it fails nothing", () => {
    expect(warnings(eventWith({ run: { threadline_evaluation: { metrics: [{ key: "f1", value: 0.8 }] } } }))).toEqual([]);
    expect(readEvaluationFacet({ threadline_evaluation: { metrics: [{ key: "f1", value: 0.8 }] } })).toBeNull();
  });
});

describe("readGenerationFacet", () => {
  it("reads model, prompt version, seed and flat sampling values", () => {
    expect(readGenerationFacet({ threadline_generation: generation })).toEqual({
      model: generation.model,
      promptVersion: "scaffold-hop@4",
      seed: 42,
      sampling: { temperature: 0.8, topP: 0.95, topK: 50, maxTokens: 256, strategy: "nucleus", beam: false },
    });
  });

  it("keeps only sampling values that are strings, finite numbers or booleans", () => {
    const read = readGenerationFacet({ threadline_generation: { sampling: { t: 0.7, stop: ["\n"], x: null, y: Infinity } } });
    expect(read).toEqual({ model: null, promptVersion: null, seed: null, sampling: { t: 0.7 } });
  });

  it("returns null when absent", () => {
    for (const g of GARBAGE) expect(readGenerationFacet(g as Record<string, unknown>)).toBeNull();
  });
});

describe("readSyntheticFacet", () => {
  it("reads the share, the model and the generation", () => {
    expect(readSyntheticFacet({ threadline_synthetic: synthetic })).toEqual({
      producedByModel: "binder-model@v3",
      syntheticShare: 0.35,
      generation: 1,
    });
  });

  it("accepts the bounds 0 and 1 and returns null for a share outside them or missing", () => {
    expect(readSyntheticFacet({ threadline_synthetic: { syntheticShare: 0 } })?.syntheticShare).toBe(0);
    expect(readSyntheticFacet({ threadline_synthetic: { syntheticShare: 1 } })?.syntheticShare).toBe(1);
    expect(readSyntheticFacet({ threadline_synthetic: { syntheticShare: 2 } })).toBeNull();
    expect(readSyntheticFacet({ threadline_synthetic: { syntheticShare: -0.1 } })).toBeNull();
    expect(readSyntheticFacet({ threadline_synthetic: { syntheticShare: "0.5" } })).toBeNull();
    for (const g of GARBAGE) expect(readSyntheticFacet(g as Record<string, unknown>)).toBeNull();
  });
});

describe("readProvenanceFacet", () => {
  it("reads hash, signature, key id and watermark", () => {
    expect(readProvenanceFacet({ threadline_provenance: provenance })).toEqual({
      contentHash: provenance.contentHash,
      signature: "MEUCIQ...",
      signerKeyId: "kms://helix-bio/signing/1",
      watermarkId: "wm-2026-11-0042",
      files: [],
      watermark: null,
    });
  });

  it("reads files with SHA-256 digests (normalised to lowercase) and the watermark, leaving out what cannot be looked up", () => {
    const hex = "AB".repeat(32);
    const read = readProvenanceFacet({
      threadline_provenance: {
        contentHash: `SHA256:${hex}`,
        files: [
          { name: "mol-1.sdf", contentHash: `sha256:${hex}`, mediaType: "chemical/x-mdl-sdfile", size: 120 },
          { name: "no-digest.sdf" },
          { name: "md5.sdf", contentHash: "md5:abc" },
          { contentHash: `sha256:${hex}` },
          { name: "negative.sdf", contentHash: `sha256:${hex}`, size: -1 },
        ],
        watermark: { scheme: "synthid-text", keyId: "k", payload: "p:1" },
      },
    });
    // The version's own hash stays as sent: a producer signature is over those exact bytes.
    expect(read?.contentHash).toBe(`SHA256:${hex}`);
    expect(read?.files).toEqual([
      { name: "mol-1.sdf", contentHash: `sha256:${hex.toLowerCase()}`, mediaType: "chemical/x-mdl-sdfile", size: 120 },
      { name: "negative.sdf", contentHash: `sha256:${hex.toLowerCase()}`, mediaType: null, size: null },
    ]);
    expect(read?.watermark).toEqual({ scheme: "synthid-text", keyId: "k", payload: "p:1" });
    expect(readProvenanceFacet({ threadline_provenance: { watermark: { scheme: "a:b", payload: "p" } } })?.watermark).toBeNull();
  });

  it("returns null when absent", () => {
    for (const g of GARBAGE) expect(readProvenanceFacet(g as Record<string, unknown>)).toBeNull();
  });
});

describe("readEvaluationFacet", () => {
  it("reads the verdict and every check, with nulls for what a check leaves out", () => {
    expect(readEvaluationFacet({ threadline_evaluation: { checks: [{ name: "n", passed: true }] } })).toEqual({
      passed: true,
      checks: [{ name: "n", passed: true, metric: null, value: null, threshold: null, message: null }],
    });
    const read = readEvaluationFacet({ threadline_evaluation: evaluation });
    expect(read?.passed).toBe(false);
    expect(read?.checks[1]).toEqual({
      name: "toxicity",
      passed: false,
      metric: "toxic_rate",
      value: 0.031,
      threshold: 0.01,
      message: "too many toxic alerts",
    });
  });

  it("derives the verdict from the checks when the facet gives none", () => {
    const checks = [{ name: "a", passed: true }, { name: "b", passed: false }];
    expect(readEvaluationFacet({ threadline_evaluation: { checks } })?.passed).toBe(false);
    expect(readEvaluationFacet({ threadline_evaluation: { checks: checks.slice(0, 1) } })?.passed).toBe(true);
  });

  it("names an unnamed check by its position and drops checks it cannot judge", () => {
    const read = readEvaluationFacet({
      threadline_evaluation: { checks: [{ passed: "no" }, null, { passed: false, value: "high" }] },
    });
    expect(read?.checks).toEqual([
      { name: "check 3", passed: false, metric: null, value: null, threshold: null, message: null },
    ]);
    expect(read?.passed).toBe(false);
  });

  it("returns null when absent or without a checks array", () => {
    for (const g of GARBAGE) expect(readEvaluationFacet(g as Record<string, unknown>)).toBeNull();
    expect(readEvaluationFacet({ threadline_evaluation: { passed: true } })).toBeNull();
  });
});
