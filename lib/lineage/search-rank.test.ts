import { describe, expect, it } from "vitest";
import { scoreSearchHit, tokenize, trigramSimilarity, type SearchFields } from "./search-rank";

const hit = (fields: Partial<SearchFields>): SearchFields => ({ name: "", namespace: "", description: "", owners: "", tags: "", key: "", ...fields });

const model = hit({
  name: "models/binding-affinity-ft",
  namespace: "mlflow://helix-bio",
  description: "chem-base-gt fine-tuned (LoRA) to predict binding affinity",
  owners: "team:med-chem-ml",
  tags: "stage fine-tuned task binding-affinity",
  key: "dataset:mlflow://helix-bio:models/binding-affinity-ft",
});
const batch = hit({
  name: "generated/molecules-batch",
  namespace: "s3://helix-bio-lake",
  description: "Nightly batch of candidate molecules sampled from the fine-tuned model.",
  key: "dataset:s3://helix-bio-lake:generated/molecules-batch",
});

describe("tokenize", () => {
  it("splits on -, _, /, ., : and spaces, lower-cased", () => {
    expect(tokenize("Fine_Tuned models/binding-affinity.v3 ns:x")).toEqual(["fine", "tuned", "models", "binding", "affinity", "v3", "ns", "x"]);
  });
});

describe("trigramSimilarity", () => {
  it("is 1 for the same word and high for a one-letter typo, low for another word", () => {
    expect(trigramSimilarity("affinity", "affinity")).toBe(1);
    expect(trigramSimilarity("afinity", "affinity")).toBeGreaterThan(0.45);
    expect(trigramSimilarity("toxicity", "affinity")).toBeLessThan(0.3);
  });
});

describe("scoreSearchHit", () => {
  it("finds a name by its words whatever the separators in the query", () => {
    expect(scoreSearchHit("binding affinity", model)).toBeGreaterThan(0);
    expect(scoreSearchHit("binding_affinity", model)).toBe(scoreSearchHit("binding affinity", model));
  });

  it("ranks the model tagged fine-tuned above a dataset whose description mentions a fine-tuned model", () => {
    expect(scoreSearchHit("fine tuned", model)).toBeGreaterThan(scoreSearchHit("fine tuned", batch));
    expect(scoreSearchHit("fine tuned", batch)).toBeGreaterThan(0);
  });

  it("forgives a typo but not a word that matches nowhere", () => {
    expect(scoreSearchHit("binding afinity", model)).toBeGreaterThan(0);
    expect(scoreSearchHit("bindng afinity", model)).toBeGreaterThan(0);
    expect(scoreSearchHit("binding toxicity", model)).toBe(0);
  });

  it("puts an exact name first: the name outright beats a word of it", () => {
    const exact = hit({ name: "raw/assays", key: "a" });
    const longer = hit({ name: "raw/assays-archive", key: "b" });
    expect(scoreSearchHit("assays", exact)).toBeGreaterThan(scoreSearchHit("assays", longer));
  });

  it("weighs a name above a description", () => {
    expect(scoreSearchHit("molecules", batch)).toBeGreaterThan(scoreSearchHit("molecules", hit({ description: "molecules" })));
  });

  it("matches words written together or apart", () => {
    expect(scoreSearchHit("finetuned", model)).toBeGreaterThan(0);
    expect(scoreSearchHit("binding affinityft", model)).toBeGreaterThan(0);
  });

  it("matches a prefix of a word", () => {
    expect(scoreSearchHit("molec", batch)).toBeGreaterThan(0);
  });
});
