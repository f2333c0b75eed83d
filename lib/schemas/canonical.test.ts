import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { seededRandom as random } from "@/scripts/harness/random";
import { canonicalJson, compareCodePoints, asCanonicalParse, hasSameCanonical, jcs } from "./canonical";

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

/**
 * The first implementation of canonicalJson and jcs, kept as the reference the faster writer must
 * match byte for byte: every stored hash was computed by it.
 */
function referenceWrite(value: unknown, ancestors: Set<object>, compareKeys: (a: string, b: string) => number): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "bigint":
      throw new TypeError("canonicalJson: BigInt has no JSON representation");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  const obj = value as object & { toJSON?: unknown };
  if (typeof obj.toJSON === "function") return referenceWrite((obj.toJSON as () => unknown)(), ancestors, compareKeys);
  if (ancestors.has(obj)) throw new TypeError("canonicalJson: cyclic structure");
  ancestors.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const parts: string[] = [];
    for (const item of obj) parts.push(referenceWrite(item, ancestors, compareKeys) ?? "null");
    out = `[${parts.join(",")}]`;
  } else {
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort(compareKeys)) {
      const text = referenceWrite(record[key], ancestors, compareKeys);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    out = `{${parts.join(",")}}`;
  }
  ancestors.delete(obj);
  return out;
}
const reference = (value: unknown) => referenceWrite(value, new Set(), compareCodePoints) ?? "null";
const referenceJcs = (value: unknown) => referenceWrite(value, new Set(), (a, b) => (a < b ? -1 : a > b ? 1 : 0)) ?? "null";

/** Characters that stress quoting and ordering: controls, quotes, escapes, BMP above U+E000, surrogates paired and lone. */
const HOSTILE = ["a", "b", "Z", "0", "9", " ", '"', "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "\u2028", "\ue000", "｡", "\uffff", "😀", "\ud83d", "\ude00", "\ud800", "\udfff", "𝄞"];

function randomString(next: () => number): string {
  const length = Math.floor(next() * 6);
  let text = "";
  for (let i = 0; i < length; i++) text += next() < 0.5 ? String.fromCharCode(97 + Math.floor(next() * 26)) : HOSTILE[Math.floor(next() * HOSTILE.length)];
  return text;
}

const NUMBERS = [0, -0, 1, -1, 1.5, 0.1 + 0.2, 1e21, 1e-7, -1e-7, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Infinity, -Infinity, 123456789.125];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 4 || pick < 0.3) {
    const leaf = Math.floor(next() * 9);
    if (leaf === 0) return null;
    if (leaf === 1) return next() < 0.5;
    if (leaf === 2) return NUMBERS[Math.floor(next() * NUMBERS.length)];
    if (leaf === 3) return undefined;
    if (leaf === 4) return new Date(Math.floor(next() * 2e12));
    return randomString(next);
  }
  if (pick < 0.55) {
    const items = new Array(Math.floor(next() * 5));
    for (let i = 0; i < items.length; i++) if (next() < 0.9) items[i] = randomValue(next, depth + 1);
    return items;
  }
  const record: Record<string, unknown> = {};
  // Up to 40 keys: past the insertion sort's 16 too. Index-like keys ("0", "10") come first in
  // V8's own property order, which the sort must undo.
  const count = Math.floor(next() * (next() < 0.1 ? 40 : 8));
  for (let i = 0; i < count; i++) {
    const key = next() < 0.15 ? String(Math.floor(next() * 20)) : randomString(next);
    record[key] = randomValue(next, depth + 1);
  }
  return record;
}

describe("canonicalJson against its reference implementation", () => {
  it("writes the same text as the first implementation for random hostile values (keys with surrogates, controls, index-like keys, -0, NaN, Dates, holes)", () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const value = randomValue(random(seed), 0);
      const expected = reference(value);
      if (canonicalJson(value) !== expected) expect({ seed, text: canonicalJson(value) }).toEqual({ seed, text: expected });
      if (jcs(value) !== referenceJcs(value)) expect({ seed, text: jcs(value) }).toEqual({ seed, text: referenceJcs(value) });
    }
  });

  it("orders many keys with surrogates by code point, and by code unit for JCS", () => {
    const keys = ["😀", "｡", "\ue000", "a", "\ud800", "b", ...Array.from({ length: 20 }, (_, i) => `k${i}`)];
    const record = Object.fromEntries(keys.map((k, i) => [k, i]));
    expect(canonicalJson(record)).toBe(reference(record));
    expect(jcs(record)).toBe(referenceJcs(record));
    expect(canonicalJson(record)).not.toBe(jcs(record));
  });

  it("writes the benchmark's generated events as the reference does", async () => {
    const { generateGenAiLineage } = await import("@/scripts/bench/lib/genai-lineage");
    let n = 0;
    for (const event of generateGenAiLineage({ targetEdges: 3_000, seed: 7 })) {
      expect(canonicalJson(event)).toBe(reference(event));
      if (++n >= 500) break;
    }
  });
});

describe("hasSameCanonical", () => {
  it("is true only when the canonical texts are equal, for random hostile values against parses of themselves and of others", () => {
    let same = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      const value = randomValue(next, 0);
      const text = canonicalJson(value);
      const parsed: unknown = JSON.parse(text);
      const other: unknown = JSON.parse(canonicalJson(randomValue(random(seed + 7919), 0)));
      for (const candidate of [parsed, other]) {
        if (hasSameCanonical(value, candidate)) {
          same++;
          if (canonicalJson(candidate) !== text) expect({ seed, candidate }).toEqual({ seed, candidate: value });
        }
      }
    }
    // It must also say yes where it can: most values are plain JSON.
    expect(same).toBeGreaterThan(1000);
  });

  it("says yes for the same facets in another key order, and no for a changed value, a dropped key or an undefined one", () => {
    const stored = JSON.parse(canonicalJson({ jobType: { integration: "DBT", jobType: "TRANSFORM" }, n: [1, 2.5, "x"] }));
    expect(hasSameCanonical({ n: [1, 2.5, "x"], jobType: { jobType: "TRANSFORM", integration: "DBT" } }, stored)).toBe(true);
    expect(hasSameCanonical({ n: [1, 2.5, "x"], jobType: { jobType: "BATCH", integration: "DBT" } }, stored)).toBe(false);
    expect(hasSameCanonical({ n: [1, 2.5, "x"], jobType: { jobType: "TRANSFORM" } }, stored)).toBe(false);
    expect(hasSameCanonical({ n: [1, 2.5, "x"], jobType: { jobType: "TRANSFORM", integration: "DBT", extra: 1 } }, stored)).toBe(false);
    expect(hasSameCanonical({ n: [1, 2.5, "x"], jobType: { jobType: "TRANSFORM", integration: "DBT", gone: undefined } }, stored)).toBe(false);
    expect(hasSameCanonical({ n: [1, 2.5, "x", undefined], jobType: stored.jobType }, stored)).toBe(false);
    expect(hasSameCanonical({ at: new Date(0) }, { at: "1970-01-01T00:00:00.000Z" })).toBe(false);
    expect(hasSameCanonical(Number.NaN, null)).toBe(false);
    expect(hasSameCanonical(-0, 0)).toBe(true);
  });
});

/** Equal as a reader sees them: the same keys in the same order, the same values (Object.is), the same prototypes. */
function isSameShape(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => isSameShape((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]));
}

describe("asCanonicalParse", () => {
  it("gives what the parse of the canonical text gives, key order included, for random hostile values and their parses", () => {
    let answered = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const value = randomValue(random(seed), 0);
      const text = canonicalJson(value);
      for (const candidate of [value, JSON.parse(text) as unknown]) {
        const parsed = asCanonicalParse(candidate);
        if (parsed === undefined) continue;
        answered++;
        if (!isSameShape(parsed, JSON.parse(canonicalJson(candidate)))) expect({ seed, parsed }).toEqual({ seed, parsed: JSON.parse(canonicalJson(candidate)) });
      }
      // A parse of canonical text is always answered (it holds only JSON's own values).
      expect(asCanonicalParse(JSON.parse(text))).not.toBe(undefined);
    }
    expect(answered).toBeGreaterThan(3000);
  });

  it("shares what is in order and copies only the objects that are not", () => {
    const inOrder = { a: { b: [1, "x", null, true] } };
    expect(asCanonicalParse(inOrder)).toBe(inOrder);
    const shared = { c: 1, d: 2 };
    const parsed = asCanonicalParse({ z: shared, a: { y: 1, x: 2 } }) as Record<string, Record<string, number>>;
    expect(Object.keys(parsed)).toEqual(["a", "z"]);
    expect(Object.keys(parsed.a!)).toEqual(["x", "y"]);
    expect(parsed.z).toBe(shared);
  });

  it("says undefined where the parse would differ other than by key order", () => {
    for (const value of [{ a: undefined }, [1, undefined], [1, , 2], { a: -0 }, { a: Number.NaN }, { at: new Date(0) }, { toJSON: () => 1 }, Object.create(null), JSON.parse('{"__proto__": 1}'), { f: () => 1 }]) {
      expect(asCanonicalParse(value)).toBe(undefined);
    }
  });
});
