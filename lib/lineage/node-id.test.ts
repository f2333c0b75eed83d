import { describe, expect, it } from "vitest";
import { idFromPageParam, idFromRouteParam, nodeApiPath, nodeId, nodeTypeOf, runIdOf, sharedNodeApiPath } from "./node-id";

const name = "a:b/c %20 100% ü 名前";

describe("nodeId and nodeTypeOf", () => {
  it("builds each kind of id with its type prefix, whatever the names hold", () => {
    expect(nodeTypeOf(nodeId.dataset("s3://lake", name))).toBe("dataset");
    expect(nodeTypeOf(nodeId.job("ns", name))).toBe("job");
    expect(nodeTypeOf(nodeId.datasetVersion("ns", name, "v:1"))).toBe("datasetVersion");
    expect(nodeTypeOf(nodeId.run("0b1c"))).toBe("run");
  });

  it("is null for a string that is not a node id", () => {
    expect(nodeTypeOf("flag-1")).toBeNull();
    expect(nodeTypeOf("datasets:x")).toBeNull();
  });
});

describe("runIdOf", () => {
  it("takes the runId back out of a run id, and leaves a bare runId as it is", () => {
    expect(runIdOf(nodeId.run("6f1e-run"))).toBe("6f1e-run");
    expect(runIdOf("6f1e-run")).toBe("6f1e-run");
  });
});

describe("ids in URLs", () => {
  const id = nodeId.dataset("ns", name);

  it("encodes an id once, as one path segment", () => {
    expect(nodeApiPath(id)).toBe(`/api/v1/nodes/${encodeURIComponent(id)}`);
    expect(nodeApiPath(id).slice("/api/v1/nodes/".length)).not.toContain("/");
    expect(sharedNodeApiPath("tok", id)).toBe(`/api/v1/shares/tok/nodes/${encodeURIComponent(id)}`);
  });

  it("a route handler's parameter, already decoded by Next, is not decoded again", () => {
    expect(idFromRouteParam(id)).toBe(id);
    expect(idFromRouteParam(id.split("/"))).toBe(id);
  });

  it("a page's parameter is decoded exactly once", () => {
    expect(idFromPageParam(encodeURIComponent(id))).toBe(id);
    expect(idFromPageParam(encodeURIComponent(id).split("%2F"))).toBe(id);
  });

  it("a page's malformed escape is kept as typed instead of failing", () => {
    expect(idFromPageParam("flag-%E0%A4%A")).toBe("flag-%E0%A4%A");
  });
});
