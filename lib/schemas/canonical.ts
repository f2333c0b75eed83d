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
  return out === undefined ? "null" : flat(out);
}

/**
 * `text` in one piece. Built by concatenation, it is a tree of V8 string pieces (a few times the
 * text's size); reading a character joins them into one copy, which V8 then keeps in their place.
 * The text is read whole later anyway (hashed, bound to a statement), and a batch holds its texts
 * until it commits: joined now, each young collection copies the text, not the tree.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * RFC 8785 (JCS) canonical JSON, exactly: as canonicalJson but with object keys ordered by UTF-16
 * code units, as the RFC says. Signed provenance manifests use it, so any JCS library checks them.
 */
export function jcs(value: unknown): string {
  const out = write(value, [], false);
  return out === undefined ? "null" : flat(out);
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

/** asCanonicalParse's answer for a value whose canonical text would not parse back to it. */
const NOT_JSON = Symbol("not JSON data");

/**
 * What JSON.parse(canonicalJson(value)) would give back, key order included, without writing or
 * parsing the text: `value` itself where its objects' keys are in canonical order already, else
 * copies of just the objects whose keys are not, sharing everything else (strings included).
 * Undefined where the parse would differ other than by key order: anything but JSON's own values
 * (undefined, a toJSON, a function, a non-finite number or -0, an array hole, an object that is not
 * a plain object or array) or a `__proto__` key. No reader can tell the answer from the parse:
 * read it, never change it (it shares `value`'s parts).
 */
export function asCanonicalParse(value: unknown): unknown {
  const parsed = inParseOrder(value);
  return parsed === NOT_JSON ? undefined : parsed;
}

function inParseOrder(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_JSON;
    case "object":
      break;
    default:
      return NOT_JSON;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_JSON;
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_JSON;
      const item: unknown = value[i];
      const parsed = inParseOrder(item);
      if (parsed === NOT_JSON) return NOT_JSON;
      if (parsed !== item && copy === null) copy = value.slice(0, i);
      if (copy !== null) copy.push(parsed);
    }
    return copy ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof (value as { toJSON?: unknown }).toJSON === "function") return NOT_JSON;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // The parse inserts the keys in the text's order; V8 lists index-like keys first whatever the
  // insertion order, in the parse and in a copy alike, so only the order of insertion matters.
  let isInOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === "__proto__") return NOT_JSON;
    if ((i > 0 && !(keys[i - 1]! < key)) || (!PLAIN.test(key) && /[\ud800-\udfff]/.test(key))) isInOrder = false;
  }
  if (!isInOrder) sortKeys(keys, true);
  let copy: Record<string, unknown> | null = isInOrder ? null : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    const parsed = inParseOrder(item);
    if (parsed === NOT_JSON) return NOT_JSON;
    if (parsed !== item && copy === null) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]!] = record[keys[j]!];
    }
    if (copy !== null) copy[key] = parsed;
  }
  return copy ?? record;
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
