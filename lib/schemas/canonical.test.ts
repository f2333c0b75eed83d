import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { canonicalJson, compareCodePoints } from "./canonical";

describe("canonicalJson", () => {
  it("is independent of key order", () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe(canonicalJson({ c: 3, a: 2, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it("sorts keys at every depth, inside arrays too", () => {
    expect(canonicalJson({ z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null })).toBe('{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}');
  });

  it("keeps array order", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it("drops undefined properties and writes undefined array items as null, like JSON.stringify", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
  });

  it("prints numbers and strings exactly as JSON.stringify does", () => {
    expect(canonicalJson({ n: [1.0, -0, 1e21, 0.1 + 0.2, 1e-7, Number.NaN] })).toBe(
      '{"n":[1,0,1e+21,0.30000000000000004,1e-7,null]}',
    );
    expect(canonicalJson('"\n\u0001é😀\ud800')).toBe(JSON.stringify('"\n\u0001é😀\ud800'));
  });

  it("writes no whitespace", () => {
    expect(canonicalJson({ a: [1, { b: "c d" }] })).toBe('{"a":[1,{"b":"c d"}]}');
  });

  it("orders keys by code point, not by UTF-16 code unit", () => {
    // U+FF61 sorts before U+1F600 by code point; by UTF-16 unit the surrogate 0xD83D comes first.
    expect(canonicalJson({ "😀": 1, "｡": 2 })).toBe('{"｡":2,"😀":1}');
    expect(["😀", "｡", "a", "ä"].sort(compareCodePoints)).toEqual(["a", "ä", "｡", "😀"]);
    expect(compareCodePoints("ab", "a")).toBeGreaterThan(0);
    expect(compareCodePoints("a", "a")).toBe(0);
  });

  it("honours toJSON and throws on a cycle", () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });

  it("allows the same object twice when it is not its own ancestor", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  // Pinned from an independent implementation (Python: json.dumps(sort_keys=True, separators=(",", ":"),
  // ensure_ascii=False)), which agrees with this one for events without floats.
  it("gives a real event the same hash as when this function was written (the hash chain depends on it)", () => {
    const path = fileURLToPath(new URL("../../tests/fixtures/openlineage/events/compat-airflow/line_03.json", import.meta.url));
    const event: unknown = JSON.parse(readFileSync(path, "utf8"));
    const hash = createHash("sha256").update(canonicalJson(event)).digest("hex");
    expect(hash).toBe("e0455d128f6c6edeabfce2b8fd250c44fa0781ef7e02c12a13513a698544d968");
  });
});
