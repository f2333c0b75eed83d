import { describe, expect, it } from "vitest";
import { provName, toProvDocument, type ProvInput } from "./prov";

const corpus = {
  id: "datasetVersion:s3://lake:corpus:c1",
  namespace: "s3://lake",
  name: "corpus",
  version: "c1",
  kind: "data",
  createdAt: "2026-10-01T08:00:00.000Z",
  contentHash: "sha256:abc",
  isFailed: false,
  isSynthetic: false,
  reason: null,
  owners: ["team:data-eng"],
};
const model = { ...corpus, id: "datasetVersion:s3://lake:model:v1", name: "model", version: "v1", kind: "model", contentHash: null, owners: ["user:ada"] };
const train = {
  id: "run:0190a1b2-0000-7000-8000-00000000000a",
  runId: "0190a1b2-0000-7000-8000-00000000000a",
  job: { id: "job:tests:train", namespace: "tests", name: "train", owners: ["team:ml"] },
  state: "COMPLETED",
  startedAt: "2026-10-01T09:00:00.000Z",
  endedAt: "2026-10-01T10:00:00.000Z",
  parameters: [{ key: "learning_rate", value: "1e-5", source: "executionParameters" }],
  reason: "lower learning rate",
  errorMessage: null,
  producers: ["https://github.com/OpenLineage/OpenLineage/tree/1.x/integration/airflow"],
};
const input: ProvInput = {
  versions: [corpus, model],
  runs: [train],
  edges: [
    { source: corpus.id, target: train.id },
    { source: train.id, target: model.id },
  ],
};

describe("toProvDocument", () => {
  const doc = toProvDocument(input);

  it("declares every prefix its identifiers use, and not the predefined prov and xsd", () => {
    const used = new Set<string>();
    const prefixOf = (qn: string) => qn.slice(0, qn.indexOf(":"));
    const references = ["prov:activity", "prov:entity", "prov:agent", "prov:plan", "prov:generatedEntity", "prov:usedEntity"];
    for (const section of ["entity", "activity", "agent", "used", "wasGeneratedBy", "wasDerivedFrom", "wasAssociatedWith", "wasAttributedTo"] as const) {
      for (const [id, record] of Object.entries(doc[section])) {
        used.add(prefixOf(id));
        for (const [attribute, value] of Object.entries(record)) {
          used.add(prefixOf(attribute));
          if (references.includes(attribute)) used.add(prefixOf(value as string));
          if (value && typeof value === "object" && !Array.isArray(value) && value.type === "prov:QUALIFIED_NAME") used.add(prefixOf(value.$));
        }
      }
    }
    used.delete("_");
    used.delete("prov");
    used.delete("xsd");
    for (const p of used) expect(doc.prefix, `prefix ${p}`).toHaveProperty(p);
    expect(doc.prefix).not.toHaveProperty("prov");
  });

  it("maps dataset versions to entities, runs to activities and jobs to plans", () => {
    expect(Object.keys(doc.entity).sort()).toEqual(["tlj:tests:train", "tlv:s3://lake:corpus:c1", "tlv:s3://lake:model:v1"]);
    expect(doc.entity["tlv:s3://lake:model:v1"]).toMatchObject({ "prov:type": { $: "tl:DatasetVersion" }, "tl:version": "v1" });
    expect(doc.entity["tlj:tests:train"]["prov:type"]).toEqual({ $: "prov:Plan", type: "prov:QUALIFIED_NAME" });
    expect(doc.activity["tlr:0190a1b2-0000-7000-8000-00000000000a"]).toMatchObject({
      "prov:startTime": train.startedAt,
      "prov:endTime": train.endedAt,
      "tl:parameter": ["learning_rate=1e-5"],
      "tl:reason": "lower learning rate",
    });
  });

  it("makes owners organisations or people and producers software agents", () => {
    expect(doc.agent["tlo:team:data-eng"]["prov:type"]).toEqual({ $: "prov:Organization", type: "prov:QUALIFIED_NAME" });
    expect(doc.agent["tlo:user:ada"]["prov:type"]).toEqual({ $: "prov:Person", type: "prov:QUALIFIED_NAME" });
    expect(doc.agent["tlp:https://github.com/OpenLineage/OpenLineage/tree/1.x/integration/airflow"]["prov:type"]).toEqual({
      $: "prov:SoftwareAgent",
      type: "prov:QUALIFIED_NAME",
    });
  });

  it("relates the run to what it read and wrote, and the output to the input it derives from", () => {
    const run = "tlr:0190a1b2-0000-7000-8000-00000000000a";
    expect(Object.values(doc.used)).toEqual([{ "prov:activity": run, "prov:entity": "tlv:s3://lake:corpus:c1", "prov:time": train.startedAt }]);
    expect(Object.values(doc.wasGeneratedBy)).toEqual([{ "prov:entity": "tlv:s3://lake:model:v1", "prov:activity": run, "prov:time": train.endedAt }]);
    expect(Object.values(doc.wasDerivedFrom)).toEqual([
      { "prov:generatedEntity": "tlv:s3://lake:model:v1", "prov:usedEntity": "tlv:s3://lake:corpus:c1", "prov:activity": run },
    ]);
    expect(Object.values(doc.wasAssociatedWith)).toContainEqual({
      "prov:activity": run,
      "prov:agent": "tlp:https://github.com/OpenLineage/OpenLineage/tree/1.x/integration/airflow",
      "prov:plan": "tlj:tests:train",
    });
    expect(Object.values(doc.wasAssociatedWith)).toContainEqual({
      "prov:activity": run,
      "prov:agent": "tlo:team:ml",
      "prov:role": { $: "tl:owner", type: "prov:QUALIFIED_NAME" },
    });
    expect(Object.values(doc.wasAttributedTo)).toEqual([
      { "prov:entity": "tlv:s3://lake:corpus:c1", "prov:agent": "tlo:team:data-eng" },
      { "prov:entity": "tlv:s3://lake:model:v1", "prov:agent": "tlo:user:ada" },
    ]);
  });

  it("leaves out relations to nodes outside the view", () => {
    const partial = toProvDocument({ ...input, versions: [model] });
    expect(partial.used).toEqual({});
    expect(partial.wasDerivedFrom).toEqual({});
    expect(Object.keys(partial.wasGeneratedBy)).toHaveLength(1);
  });

  it("is deterministic whatever order the input lists things in", () => {
    const shuffled = toProvDocument({ versions: [model, corpus], runs: [train], edges: [...input.edges].reverse() });
    expect(JSON.stringify(shuffled)).toBe(JSON.stringify(doc));
  });
});

describe("toProvDocument of an entity-graph view", () => {
  const corpusSet = { id: "dataset:s3://lake:corpus", namespace: "s3://lake", name: "corpus", kind: "data", latestVersion: "c2", isFailed: false, isSynthetic: false, owners: ["team:data-eng"] };
  const modelSet = { ...corpusSet, id: "dataset:s3://lake:model", name: "model", kind: "model", latestVersion: "v3", isFailed: true, owners: [] };
  const trainJob = { id: "job:tests:train", namespace: "tests", name: "train", kind: "fine_tune", state: "FAILED", owners: ["team:ml"] };
  const doc = toProvDocument({
    versions: [],
    runs: [],
    datasets: [corpusSet, modelSet],
    jobs: [trainJob],
    edges: [
      { source: corpusSet.id, target: trainJob.id },
      { source: trainJob.id, target: modelSet.id },
    ],
  });

  it("maps datasets to entities and jobs to activities, with what their cards show and no version or run", () => {
    expect(Object.keys(doc.entity).sort()).toEqual(["tld:s3://lake:corpus", "tld:s3://lake:model"]);
    expect(Object.keys(doc.activity)).toEqual(["tlj:tests:train"]);
    expect(doc.entity["tld:s3://lake:model"]).toMatchObject({ "prov:type": { $: "tl:Dataset" }, "tl:latestVersion": "v3", "tl:isFailed": true, "tl:nodeId": modelSet.id });
    expect(doc.activity["tlj:tests:train"]).toMatchObject({ "prov:type": { $: "tl:Job" }, "tl:state": "FAILED", "tl:kind": "fine_tune" });
    expect(doc.activity["tlj:tests:train"]).not.toHaveProperty("prov:startTime");
  });

  it("relates them as the entity graph's edges do: used, generated, derived through the job", () => {
    expect(Object.values(doc.used)).toEqual([{ "prov:activity": "tlj:tests:train", "prov:entity": "tld:s3://lake:corpus" }]);
    expect(Object.values(doc.wasGeneratedBy)).toEqual([{ "prov:entity": "tld:s3://lake:model", "prov:activity": "tlj:tests:train" }]);
    expect(Object.values(doc.wasDerivedFrom)).toEqual([
      { "prov:generatedEntity": "tld:s3://lake:model", "prov:usedEntity": "tld:s3://lake:corpus", "prov:activity": "tlj:tests:train" },
    ]);
    expect(Object.values(doc.wasAssociatedWith)).toEqual([
      { "prov:activity": "tlj:tests:train", "prov:agent": "tlo:team:ml", "prov:role": { $: "tl:owner", type: "prov:QUALIFIED_NAME" } },
    ]);
    expect(Object.values(doc.wasAttributedTo)).toEqual([{ "prov:entity": "tld:s3://lake:corpus", "prov:agent": "tlo:team:data-eng" }]);
  });
});

describe("provName", () => {
  it("keeps node-id characters PROV-N allows and percent-encodes the rest", () => {
    expect(provName("tlv", "s3://lake/raw:my corpus=1:v1")).toBe("tlv:s3://lake/raw:my%20corpus%3D1:v1");
  });

  it("never ends a local name with a dot", () => {
    expect(provName("tlv", "a.")).toBe("tlv:a%2E");
  });
});
