/**
 * Generated bad input for the write endpoints, reproducible from a seed. Each case says what a
 * correct server does with it:
 * - `reject`: a 4xx with the JSON error envelope (a code and a message), and nothing stored;
 * - `store`: hostile but valid data (path traversal in names, markup, SQL, `__proto__` keys):
 *   stored as plain data, byte for byte, and readable back by its node id; a name with a NUL
 *   character or a lone surrogate is the exception, refused with a 400 naming its field (neither
 *   database's text can hold either, so neither backend stores it);
 * - `partial`: a batch mixing valid and invalid events: 207, the valid ones stored.
 */
import { gzipSync } from "node:zlib";
import { generateEvents, type LineageEvent } from "./events";
import type { RequestSpec } from "./client";
import { seededRandom } from "../../harness/random";

export type Expectation =
  | { kind: "reject"; status?: number[] }
  | { kind: "store"; events: number; readBack?: { nodeId: string; name: string } }
  | { kind: "partial"; valid: number };

export interface FuzzCase {
  id: number;
  category: string;
  description: string;
  request: RequestSpec;
  expect: Expectation;
}

const JSON_HEADERS = { "content-type": "application/json" };
const SINGLE = "/api/v1/lineage";
const BATCH = "/api/v1/lineage/batch";
const MIB = 1024 * 1024;

/** Big bodies are built once and shared by the cases that send them. */
interface Blobs {
  gzipBomb: Buffer;
  nestedArrays16MiB: Buffer;
  nestedObjects16MiB: Buffer;
  over16MiB: Buffer;
  hundredThousandEmpty: Buffer;
  hundredThousandEvents: Buffer;
}

let blobs: Blobs | null = null;

function getBlobs(maxBodyBytes: number): Blobs {
  if (blobs) return blobs;
  const justUnder = maxBodyBytes - 16;
  const levels = Math.floor(justUnder / 2);
  const objectLevels = Math.floor(justUnder / 6);
  const events = generateEvents("fuzz-100k", 1000).map((e) => JSON.stringify(e));
  const hundredK: string[] = [];
  for (let i = 0; i < 100_000; i++) hundredK.push(events[i % events.length]);
  blobs = {
    // 256 MiB of JSON-looking whitespace inside an array: about 256 KiB on the wire.
    gzipBomb: gzipSync(Buffer.concat([Buffer.from("["), Buffer.alloc(256 * MIB, " "), Buffer.from("]")]), { level: 9 }),
    nestedArrays16MiB: Buffer.from("[".repeat(levels) + "]".repeat(levels)),
    nestedObjects16MiB: Buffer.from('{"a":'.repeat(objectLevels) + "1" + "}".repeat(objectLevels)),
    over16MiB: Buffer.from(`{"eventType":"START","padding":"${"x".repeat(maxBodyBytes + MIB)}"}`),
    hundredThousandEmpty: Buffer.from(`[${new Array(100_000).fill("{}").join(",")}]`),
    hundredThousandEvents: Buffer.from(`[${hundredK.join(",")}]`),
  };
  return blobs;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)];

/** Fields whose wrong values always break the OpenLineage structure, with such values. */
const WRONG_VALUES: Record<string, readonly unknown[]> = {
  eventType: [1, true, null, "DONE", "", ["START"], { type: "START" }],
  eventTime: [12345, "yesterday", "2026-13-45T99:99:99Z", "", null, [], {}],
  run: [null, "run", 7, [], true],
  "run.runId": ["not-a-uuid", 42, "", null, "0190a1b2-0000-7000-8000", {}, ["0190a1b2-0000-7000-8000-000000000001"]],
  "run.facets": [[], 1, "facets", true],
  job: [null, "job", 3, [], false],
  "job.namespace": ["", 1, null, {}, []],
  "job.name": ["", 2, null, {}, [], false],
  inputs: [{}, "inputs", 5, true, [1], [null], ["dataset"]],
  outputs: [{}, "outputs", 5, [2], [{}], [{ namespace: "x" }]],
  "inputs.0.name": ["", 1, null, [], {}],
  "outputs.0.namespace": ["", 1, null, [], {}],
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let at: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) at = at[part] as Record<string, unknown>;
  at[parts[parts.length - 1]] = value;
}

/** JSON text of a value nested `levels` deep (built as text: JSON.stringify recurses and would overflow). */
function deepJson(levels: number): string {
  let open = "";
  let close = "";
  for (let i = 0; i < levels; i++) {
    open += i % 2 ? "[" : '{"level":';
    close = (i % 2 ? "]" : "}") + close;
  }
  return `${open}"bottom"${close}`;
}

/** Inserts raw bytes into the middle of the event's job name (inside a JSON string). */
function withBytesInName(event: LineageEvent, bytes: number[]): Buffer {
  const text = JSON.stringify(event);
  const marker = '"name":"';
  const at = text.indexOf(marker) + marker.length;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]);
}

const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
];

const HOSTILE_NAMES: readonly string[] = [
  "../../etc/passwd",
  "..\\..\\windows\\system32\\config\\sam",
  "/etc/shadow",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "file:///etc/passwd",
  "name\u0000with-nul",
  "lone\ud800surrogate",
  "<script>alert(1)</script>",
  "'; DROP TABLE Event; --",
  "名前/データ/../../秘密",
  "${jndi:ldap://127.0.0.1/a}",
  " ",
];

export interface FuzzPlanOptions {
  cases: number;
  seed: number;
  maxBodyBytes: number;
  maxBatchEvents: number;
}

/** The cases, in order; the large-body categories are a small, fixed share. */
export function planFuzzCases(options: FuzzPlanOptions): FuzzCase[] {
  const random = seededRandom(options.seed);
  const cases: FuzzCase[] = [];
  const base = generateEvents(`fuzz-${options.seed}`, Math.max(4, options.cases * 2));
  let baseIndex = 0;
  const nextEvent = (): LineageEvent => structuredClone(base[baseIndex++ % base.length]);
  const add = (category: string, description: string, request: RequestSpec, expect: Expectation = { kind: "reject" }) =>
    cases.push({ id: cases.length, category, description, request, expect });
  const json = (path: string, body: string | Buffer, headers: Record<string, string> = JSON_HEADERS): RequestSpec => ({ path, body, headers });

  // Each generator adds one case; weights say how often each is chosen.
  const generators: [number, () => void][] = [
    [14, () => {
      const text = JSON.stringify(nextEvent());
      const cut = 1 + Math.floor(random() * (text.length - 1));
      add("truncated-json", `event cut at byte ${cut} of ${text.length}`, json(random() < 0.8 ? SINGLE : BATCH, random() < 0.5 ? text.slice(0, cut) : `[${text.slice(0, cut)}`), { kind: "reject", status: [400] });
    }],
    [20, () => {
      const event = nextEvent();
      const field = pick(Object.keys(WRONG_VALUES), random);
      const value = pick(WRONG_VALUES[field], random);
      if ((event.outputs as unknown[]).length === 0) event.outputs = [{ namespace: "fuzz", name: "out" }];
      setPath(event as Record<string, unknown>, field, value);
      add("wrong-types", `${field} = ${JSON.stringify(value)}`, json(SINGLE, JSON.stringify(event)), { kind: "reject", status: [400] });
    }],
    [6, () => {
      const event = nextEvent();
      const length = 1_000_001 + Math.floor(random() * 500_000);
      const where = pick(["job.name", "run.facets.blob", "inputs.0.name", "key"], random);
      if (where === "key") (event.run as { facets?: Record<string, unknown> }).facets = { ["k".repeat(length)]: {} };
      else if (where === "run.facets.blob") (event.run as { facets?: Record<string, unknown> }).facets = { blob: { value: "x".repeat(length) } };
      else setPath(event as Record<string, unknown>, where, "x".repeat(length));
      add("huge-string", `${length}-character string at ${where}`, json(SINGLE, JSON.stringify(event)), { kind: "reject", status: [400] });
    }],
    [10, () => {
      const event = nextEvent();
      const levels = 62 + Math.floor(random() * (random() < 0.5 ? 20 : 5000));
      (event.run as { facets?: Record<string, unknown> }).facets = { deep: "__DEEP__" };
      const text = JSON.stringify(event).replace('"__DEEP__"', deepJson(levels));
      // The facet's value sits 4 levels down (event > run > facets > deep): the event is levels + 3 deep.
      if (levels + 3 <= 64) return; // within the limit: not bad input
      add("deep-nesting", `facet nested ${levels + 3} levels`, json(random() < 0.7 ? SINGLE : BATCH, random() < 0.7 ? text : `[${text}]`), { kind: "reject", status: [400] });
    }],
    [10, () => {
      const bytes = pick(INVALID_UTF8, random);
      add("invalid-utf8", `bytes ${bytes.map((b) => b.toString(16)).join(" ")} inside a string`, json(SINGLE, withBytesInName(nextEvent(), bytes)), { kind: "reject", status: [400] });
    }],
    [8, () => {
      const type = pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/jsonp", "json", "text/json"], random);
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      add("wrong-content-type", `Content-Type ${type || "(none)"}`, json(random() < 0.5 ? SINGLE : BATCH, JSON.stringify(nextEvent()), headers), { kind: "reject", status: [415] });
    }],
    [5, () => {
      const encoding = pick(["br", "deflate", "compress", "zstd", "gzip, gzip"], random);
      add("unknown-encoding", `Content-Encoding ${encoding}`, json(SINGLE, JSON.stringify(nextEvent()), { ...JSON_HEADERS, "content-encoding": encoding }), { kind: "reject", status: [415] });
    }],
    [6, () => {
      const event = JSON.stringify(nextEvent());
      const variant = Math.floor(random() * 3);
      const body =
        variant === 0
          ? Buffer.from(event)
          : variant === 1
            ? gzipSync(event).subarray(0, 20 + Math.floor(random() * 10))
            : gzipSync(gzipSync(event));
      const label = ["plain text labelled gzip", "truncated gzip", "gzip inside gzip"][variant];
      add("bad-gzip", label, json(SINGLE, body, { ...JSON_HEADERS, "content-encoding": "gzip" }), { kind: "reject", status: [400] });
    }],
    [8, () => {
      const body = pick(["", " ", "1", '"event"', "null", "true", "[]", "{}", "[1,2,3]", '{"eventType":"START"}', "NaN", "{'single':'quotes'}", '{"a":1,}', '{"a":1e400}'], random);
      const path = body === "[]" || body === "[1,2,3]" ? SINGLE : random() < 0.8 ? SINGLE : BATCH;
      // An empty array is a valid (empty) batch: only the single-event endpoint must refuse it.
      add("not-an-event", `body ${JSON.stringify(body)}`, json(path, body), { kind: "reject", status: [400] });
    }],
    [5, () => {
      const length = 1 + Math.floor(random() * 4096);
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
      add("random-bytes", `${length} random bytes`, json(random() < 0.5 ? SINGLE : BATCH, bytes), { kind: "reject", status: [400] });
    }],
    [4, () => {
      const events = [nextEvent(), nextEvent(), nextEvent()];
      const bad = nextEvent();
      setPath(bad as Record<string, unknown>, "run.runId", "not-a-uuid");
      const batch = [...events.slice(0, 1), bad, ...events.slice(1)];
      add("mixed-batch", "3 valid events and 1 invalid", json(BATCH, JSON.stringify(batch)), { kind: "partial", valid: 3 });
    }],
    [4, () => {
      const event = nextEvent();
      const name = pick(HOSTILE_NAMES, random);
      const where = Math.floor(random() * 3);
      if (where === 0) event.job = { namespace: "fuzz-hostile", name: `${name}#${cases.length}` };
      else (event.outputs as { namespace: string; name: string }[]) = [{ namespace: "fuzz-hostile", name: `${name}#${cases.length}` }];
      if (where === 2) (event.run as { facets?: Record<string, unknown> }).facets = JSON.parse(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`);
      const nodeId = where === 0 ? `job:fuzz-hostile:${name}#${cases.length}` : `dataset:fuzz-hostile:${name}#${cases.length}`;
      const description = `${where === 0 ? "job" : "dataset"} named ${JSON.stringify(name)}${where === 2 ? " with __proto__ facets" : ""}`;
      if (name.includes("\u0000") || !name.isWellFormed()) {
        add("hostile-names", description, json(SINGLE, JSON.stringify(event)), { kind: "reject", status: [400] });
        return;
      }
      add("hostile-names", description, json(SINGLE, JSON.stringify(event)), { kind: "store", events: 1, readBack: { nodeId, name: `${name}#${cases.length}` } });
    }],
    [3, () => {
      const path = pick(["/api/v1/nodes/..%2F..%2F..%2Fetc%2Fpasswd", "/api/v1/nodes/dataset:..%2F..:..%2Fetc%2Fpasswd", "/api/v1/lineage?nodeId=..%2F..%2Fetc%2Fpasswd", "/api/v1/nodes/%00", "/api/v1/lineage?nodeId=" + "a".repeat(5000)], random);
      add("traversal-read", `GET ${path.slice(0, 80)}`, { method: "GET", path }, { kind: "reject", status: [400, 404] });
    }],
    [3, () => {
      const event = nextEvent();
      const inputs: unknown[] = [];
      for (let i = 0; i < 5000; i++) inputs.push({ namespace: i % 2 ? "" : "x", name: i % 3 ? 1 : "" });
      event.inputs = inputs;
      add("many-errors", "5,000 broken inputs in one event", json(SINGLE, JSON.stringify(event)), { kind: "reject", status: [400] });
    }],
  ];

  // Rare, large cases: a fixed handful however many cases are asked for.
  const big = getBlobs(options.maxBodyBytes);
  add("gzip-bomb", `${big.gzipBomb.length} bytes gzip of 256 MiB`, json(SINGLE, big.gzipBomb, { ...JSON_HEADERS, "content-encoding": "gzip" }), { kind: "reject", status: [413] });
  add("gzip-bomb", `${big.gzipBomb.length} bytes gzip of 256 MiB, to the batch endpoint`, json(BATCH, big.gzipBomb, { ...JSON_HEADERS, "content-encoding": "gzip" }), { kind: "reject", status: [413] });
  add("deep-nesting", "16 MiB of nested arrays", json(SINGLE, big.nestedArrays16MiB), { kind: "reject", status: [400] });
  add("deep-nesting", "16 MiB of nested objects", json(BATCH, big.nestedObjects16MiB), { kind: "reject", status: [400] });
  add("oversized-body", `${big.over16MiB.length} bytes with Content-Length`, json(SINGLE, big.over16MiB), { kind: "reject", status: [413] });
  add("oversized-body", `${big.over16MiB.length} bytes streamed without Content-Length (chunked)`, { ...json(SINGLE, big.over16MiB), isChunked: true }, { kind: "reject", status: [413] });
  add("huge-batch", "100,000 empty objects", json(BATCH, big.hundredThousandEmpty), { kind: "reject", status: [413] });
  add("huge-batch", `100,000 events (${Math.round(big.hundredThousandEvents.length / MIB)} MiB)`, json(BATCH, big.hundredThousandEvents), { kind: "reject", status: [413] });
  add("huge-batch", `${options.maxBatchEvents + 1} events, one over the batch limit`, json(BATCH, `[${new Array(options.maxBatchEvents + 1).fill("{}").join(",")}]`), { kind: "reject", status: [413] });
  add("huge-batch", "an array of 1,000 events to the single-event endpoint", json(SINGLE, `[${base.slice(0, 1000).map((e) => JSON.stringify(e)).join(",")}]`), { kind: "reject", status: [400] });

  const total = generators.reduce((sum, [weight]) => sum + weight, 0);
  let guard = 0;
  while (cases.length < options.cases && guard++ < options.cases * 10) {
    let roll = random() * total;
    for (const [weight, generate] of generators) {
      roll -= weight;
      if (roll < 0) {
        generate();
        break;
      }
    }
  }
  return cases.slice(0, Math.max(options.cases, 10));
}
