import { describe, expect, it } from "vitest";
import { readFacets, readFailedChecks, readFailureReasons, readRunParameters } from "./columns";

describe("readFailureReasons", () => {
  it("reads each kind of reason the projection writes", () => {
    const stored = JSON.stringify([
      { source: "run", run: "run:1", message: "its run failed: OOM" },
      { source: "check", run: "run:2", check: "tox21", message: "alert rate 7 %" },
      { source: "flag", flagId: "flag-1", message: "PII", by: "ada" },
    ]);
    expect(readFailureReasons(stored).map((r) => r.source)).toEqual(["run", "check", "flag"]);
    expect(readFailureReasons(stored)[1]).toEqual({ source: "check", run: "run:2", check: "tox21", message: "alert rate 7 %" });
  });

  it("keeps the readable entries of a list and leaves out the ones that do not fit", () => {
    const stored = JSON.stringify([{ source: "run", message: "ok" }, { source: "gremlin", message: "?" }, { message: 3 }, null]);
    expect(readFailureReasons(stored)).toEqual([{ source: "run", message: "ok" }]);
  });

  it("reads an absent, empty, unreadable or non-list column as no reasons", () => {
    for (const text of [null, undefined, "", "{broken", '{"source":"run"}', "42"]) expect(readFailureReasons(text)).toEqual([]);
  });
});

describe("readFailedChecks and readRunParameters", () => {
  it("read their lists with their shapes", () => {
    expect(readFailedChecks('[{"check":"tox21","message":"too toxic"},{"check":1}]')).toEqual([{ check: "tox21", message: "too toxic" }]);
    expect(readRunParameters('[{"key":"lr","value":"3e-5","source":"executionParameters"},{"key":"seed"}]')).toEqual([
      { key: "lr", value: "3e-5", source: "executionParameters" },
    ]);
  });
});

describe("readFacets", () => {
  it("reads an object, and anything else as no facets", () => {
    expect(readFacets('{"documentation":{"description":"d"}}')).toEqual({ documentation: { description: "d" } });
    for (const text of [null, "", "[1]", "null", "{broken"]) expect(readFacets(text)).toEqual({});
  });
});

describe("what the readers return", () => {
  it("is the stored entry as it was (key order and all), so a list written back keeps its bytes", () => {
    const stored = '[{"message":"m","run":"run:1","source":"run","extra":1}]';
    expect(JSON.stringify(readFailureReasons(stored))).toBe(stored);
  });
});
