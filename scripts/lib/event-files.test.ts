import { describe, expect, it } from "vitest";
import { arrayElementLines, parseEventText } from "./event-files";

describe("arrayElementLines", () => {
  it("gives the line each top-level element starts on, ignoring brackets inside strings", () => {
    const text = '[\n  {"a": "[,{"},\n  {"b": [1,\n 2]},\n  3\n]';
    expect(arrayElementLines(text)).toEqual([2, 3, 5]);
  });
});

describe("parseEventText", () => {
  it("reads NDJSON line by line and locates a broken line by its number", () => {
    const events = parseEventText('{"a":1}\n\n{oops\n{"b":2}\n', "events.ndjson");
    expect(events.map((e) => e.where)).toEqual(["events.ndjson:1", "events.ndjson:3", "events.ndjson:4"]);
    expect(events[1].parseError).toBeDefined();
    expect(events[2].value).toEqual({ b: 2 });
  });

  it("reads a .json array as one event per element", () => {
    const events = parseEventText('[{"a":1},\n{"b":2}]', "batch.json");
    expect(events).toEqual([
      { where: "batch.json:1", value: { a: 1 } },
      { where: "batch.json:2", value: { b: 2 } },
    ]);
  });

  it("treats unnamed multi-line input that is not one JSON value as NDJSON", () => {
    expect(parseEventText('{"a":1}\n{"b":2}', "stdin")).toHaveLength(2);
  });
});
