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
  const out = write(value, [], true);
  // A bare undefined / function / symbol has no JSON text; JSON.stringify returns undefined there.
  return out === undefined ? "null" : out;
}

/**
 * RFC 8785 (JCS) canonical JSON, exactly: as canonicalJson but with object keys ordered by UTF-16
 * code units, as the RFC says. Signed provenance manifests use it, so any JCS library checks them.
 */
export function jcs(value: unknown): string {
  const out = write(value, [], false);
  return out === undefined ? "null" : out;
}

/**
 * A string JSON.stringify prints as it is between quotes: no quote, backslash, control character or
 * surrogate (JSON.stringify escapes lone surrogates, and a key with a surrogate pair needs code point
 * order). Most strings of an event are like this, and quoting them spares a JSON.stringify call each.
 */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** Keys up to this many are sorted in place by insertion (no comparator calls); more by Array.sort. */
const INSERTION_SORT_KEYS = 16;

/**
 * Sorts `keys` by UTF-16 code unit, and by code point when `isCodePointOrder` and a key holds a
 * surrogate (the two orders differ only between a surrogate and U+E000..U+FFFF).
 */
function sortKeys(keys: string[], isCodePointOrder: boolean): void {
  if (keys.length <= INSERTION_SORT_KEYS) {
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i]!;
      let j = i - 1;
      for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
      keys[j + 1] = key;
    }
  } else keys.sort();
  if (!isCodePointOrder) return;
  for (const key of keys) {
    if (!PLAIN.test(key) && /[\ud800-\udfff]/.test(key)) {
      keys.sort(compareCodePoints);
      return;
    }
  }
}

/**
 * One value's canonical text (undefined where JSON has none). `ancestors` holds the objects being
 * written, outermost first: a cycle is an object met again among them (an array, as nesting is
 * shallow: cheaper than a Set's hashing). Strings are built by concatenation, which V8 joins lazily.
 */
function write(value: unknown, ancestors: object[], isCodePointOrder: boolean): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      // As JSON.stringify: the shortest round-trip form (-0 as 0), non-finite numbers as null.
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("canonicalJson: BigInt has no JSON representation");
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  const obj = value as object & { toJSON?: unknown };
  if (typeof obj.toJSON === "function") return write((obj.toJSON as () => unknown)(), ancestors, isCodePointOrder);
  for (let i = 0; i < ancestors.length; i++) if (ancestors[i] === obj) throw new TypeError("canonicalJson: cyclic structure");
  ancestors.push(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = "[";
    for (let i = 0; i < obj.length; i++) out += (i === 0 ? "" : ",") + (write(obj[i], ancestors, isCodePointOrder) ?? "null");
    out += "]";
  } else {
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record);
    sortKeys(keys, isCodePointOrder);
    out = "{";
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const text = write(record[key], ancestors, isCodePointOrder);
      if (text !== undefined) out += (out.length === 1 ? "" : ",") + quote(key) + ":" + text;
    }
    out += "}";
  }
  ancestors.pop();
  return out;
}

/**
 * Whether `value` has the canonical text of `parsed`, a value JSON.parse returned: true only when
 * canonicalJson(value) === canonicalJson(parsed) is certain, without writing either. False when they
 * differ, and also where telling would need the writer (an undefined property or item, a toJSON,
 * a non-finite number): a caller falls back to comparing the texts. No allocation, so the projection
 * can ask it for every facet an event re-sends (most are the same as stored) instead of writing the
 * merged facets out again.
 */
export function hasSameCanonical(value: unknown, parsed: unknown): boolean {
  if (value === parsed) return typeof value !== "number" || Number.isFinite(value);
  if (typeof value !== "object" || typeof parsed !== "object" || value === null || parsed === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(parsed) || value.length !== parsed.length) return false;
    for (let i = 0; i < value.length; i++) if (!hasSameCanonical(value[i], parsed[i])) return false;
    return true;
  }
  if (Array.isArray(parsed) || typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  const a = value as Record<string, unknown>;
  const b = parsed as Record<string, unknown>;
  let keys = 0;
  for (const key in a) {
    if (!Object.prototype.hasOwnProperty.call(a, key) || !Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!hasSameCanonical(a[key], b[key])) return false;
    keys++;
  }
  for (const key in b) if (Object.prototype.hasOwnProperty.call(b, key)) keys--;
  return keys === 0;
}

/**
 * Whether `value` is what JSON.parse(canonicalJson(value)) would give back, key order included: only
 * JSON's own values (no undefined, toJSON, function, non-finite number or -0, no array holes, only
 * plain objects and arrays) with every object's keys already in canonical order (and none holding a
 * surrogate, where code point and code unit order may differ). Then `value` can stand for the parse
 * of its canonical text, and no reader can tell them apart. False answers cost only a parse: say
 * false whenever in doubt. No allocation.
 */
export function isCanonicalForm(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isCanonicalForm(value[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  // Own keys in V8's order (index-like keys first, ascending, then insertion order): the parse of
  // the canonical text lists them the same way exactly when that order is already sorted.
  let previous: string | null = null;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return false;
    if ((previous !== null && !(previous < key)) || (!PLAIN.test(key) && /[\ud800-\udfff]/.test(key))) return false;
    if (!isCanonicalForm(record[key])) return false;
    previous = key;
  }
  return true;
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
