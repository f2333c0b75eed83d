/**
 * Canonical JSON: the exact bytes the event log's hash chain hashes
 * (`hash_n = sha256(hash_{n-1} || canonicalJson(event_n))`).
 *
 * The output is a pure function of the value's JSON meaning, so the same event always hashes the
 * same, whichever producer, parser or key order delivered it:
 * - object keys sorted by Unicode code point, at every depth; properties whose value is
 *   `undefined` (or a function or symbol) are dropped, as JSON.stringify drops them;
 * - arrays keep their order;
 * - no whitespace;
 * - strings and numbers printed exactly as JSON.stringify prints them (so `1.0` is `1`, `-0` is `0`,
 *   `1e21` is `1e+21`, non-finite numbers are `null`, lone surrogates are escaped);
 * - `toJSON` is honoured (a Date becomes its ISO string), as JSON.stringify does.
 *
 * This is RFC 8785 (JCS) except that keys are ordered by code point rather than by UTF-16 code
 * unit; the two only differ for keys holding characters above U+FFFF next to U+E000..U+FFFF.
 *
 * STABILITY: every stored hash depends on this function. Never change its output for any input;
 * a different canonical form needs a new hash-chain version, not an edit here.
 *
 * Throws (as JSON.stringify does) on a BigInt or a cyclic structure.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, new Set(), compareCodePoints);
  // A bare undefined / function / symbol has no JSON text; JSON.stringify returns undefined there.
  return out === undefined ? "null" : out;
}

/**
 * RFC 8785 (JCS) canonical JSON, exactly: as canonicalJson but with object keys ordered by UTF-16
 * code units, as the RFC says. Signed provenance manifests use it, so any JCS library checks them.
 */
export function jcs(value: unknown): string {
  const out = write(value, new Set(), compareUtf16);
  return out === undefined ? "null" : out;
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, ancestors: Set<object>, compareKeys: (a: string, b: string) => number): string | undefined {
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
  if (typeof obj.toJSON === "function") return write((obj.toJSON as () => unknown)(), ancestors, compareKeys);
  if (ancestors.has(obj)) throw new TypeError("canonicalJson: cyclic structure");
  ancestors.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const parts: string[] = [];
    for (const item of obj) parts.push(write(item, ancestors, compareKeys) ?? "null");
    out = `[${parts.join(",")}]`;
  } else {
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort(compareKeys)) {
      const text = write(record[key], ancestors, compareKeys);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    out = `{${parts.join(",")}}`;
  }
  ancestors.delete(obj);
  return out;
}

/**
 * Orders strings by Unicode code point. JavaScript's default sort compares UTF-16 code units, which
 * puts a surrogate pair (U+10000 and above) before U+E000..U+FFFF; at the first differing unit,
 * shifting surrogates above the rest of the BMP restores code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
