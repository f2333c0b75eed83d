import { describe, expect, it } from "vitest";
import { nodeTitle } from "./node-title";

describe("nodeTitle", () => {
  it("names a dataset and a job by name, a version with its version, a run by its job and run id", () => {
    expect(nodeTitle({ id: "dataset:ns:models/ft", type: "dataset", name: "models/ft", version: "v3" })).toBe("models/ft");
    expect(nodeTitle({ id: "datasetVersion:ns:models/ft:v3", type: "datasetVersion", name: "models/ft", version: "v3" })).toBe("models/ft @v3");
    expect(nodeTitle({ id: "job:ns:train", type: "job", name: "train", version: null })).toBe("train");
    expect(nodeTitle({ id: "run:0190a1b2-0000-7000-8000-0000000000c1", type: "run", name: "train", version: null })).toBe("train run 0190a1b2");
  });

  it("writes a version as one token, name@version, when asked", () => {
    expect(nodeTitle({ id: "datasetVersion:ns:models/ft:v3", type: "datasetVersion", name: "models/ft", version: "v3" }, "@")).toBe("models/ft@v3");
    expect(nodeTitle({ id: "dataset:ns:models/ft", type: "dataset", name: "models/ft", version: "v3" }, "@")).toBe("models/ft");
  });
});
