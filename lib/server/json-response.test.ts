import { describe, expect, it } from "vitest";
import { seededRandom } from "@/scripts/harness/random";
import { bigJsonResponse, jsonBytes } from "./json-response";

/** Text a key or a name may hold: quotes, backslashes, markup, control and line-separator characters, every plane of Unicode, lone surrogates. */
const ODD = ['"', "\\", "</script>", "<!--", "\n", "\u0000", "\u001f", "\u2028", "\u2029", "é", "日本", "😀", "\ud800", "\udfff", "\u007f", " "];

function makeText(random: () => number): string {
  let text = "";
  const parts = 1 + Math.floor(random() * 5);
  for (let i = 0; i < parts; i++) text += random() < 0.5 ? ODD[Math.floor(random() * ODD.length)] : Math.floor(random() * 1e6).toString(36);
  return text;
}

/** A lineage answer as the route writes it, with `nodeCount` nodes and about twice as many edges. */
function makeAnswer(random: () => number, nodeCount: number) {
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({
    id: `datasetVersion:${makeText(random)}:${i}`,
    type: random() < 0.5 ? "run" : "datasetVersion",
    namespace: makeText(random),
    name: makeText(random),
    kind: random() < 0.3 ? null : makeText(random),
    version: random() < 0.5 ? null : `v${i}`,
    state: random() < 0.5 ? null : "FAILED",
    isFailed: random() < 0.1,
    isSynthetic: false,
    isFlagged: random() < 0.05,
    upstreamCount: Math.floor(random() * 30_000),
    downstreamCount: Math.floor(random() * 10),
    time: random() < 0.2 ? null : new Date(1_700_000_000_000 + Math.floor(random() * 1e10)).toISOString(),
    // Left out by JSON.stringify, so by the writer too.
    signature: random() < 0.5 ? undefined : { status: "verified", keyId: makeText(random) },
  }));
  const edges = Array.from({ length: nodeCount * 2 }, () => ({
    source: nodes[Math.floor(random() * nodeCount)]?.id ?? "",
    target: nodes[Math.floor(random() * nodeCount)]?.id ?? "",
  }));
  return {
    focus: nodes[0]?.id ?? makeText(random),
    nodes,
    edges,
    truncated: random() < 0.5,
    more: random() < 0.5 ? undefined : [],
    point: { seq: 12, hash: "ab".repeat(32), isAsOf: false, time: new Date(0) },
  };
}

describe("jsonBytes", () => {
  it("writes exactly JSON.stringify's UTF-8 bytes, for answers of every size around its pieces", () => {
    const random = seededRandom(20261207);
    for (const nodeCount of [0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 2001]) {
      for (let round = 0; round < 3; round++) {
        const answer = makeAnswer(random, nodeCount);
        const expected = Buffer.from(JSON.stringify(answer), "utf8");
        const written = jsonBytes(answer);
        expect(written.equals(expected), `${nodeCount} nodes, round ${round}`).toBe(true);
      }
    }
  });

  it("writes values JSON.stringify treats specially as it does", () => {
    const cases: object[] = [
      {},
      [],
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? null : () => i)),
      { a: undefined, b: () => 1, c: Symbol("x"), d: NaN, e: -0, f: Infinity, g: [undefined], h: { toJSON: () => "x" } },
      Object.assign(Object.create(null), { "key \"quoted\"": "</script>", "😀": ["\ud800".repeat(3)] }),
      { date: new Date(86_400_000), list: Array.from({ length: 200 }, (_, i) => new Date(i)), nested: { deep: Array.from({ length: 129 }, (_, i) => ({ i })) } },
      new Map([[1, 2]]),
    ];
    for (const value of cases) expect(jsonBytes(value).toString("utf8")).toBe(JSON.stringify(value));
  });
});

describe("bigJsonResponse", () => {
  it("answers the bytes Response.json answers, with the JSON content type", async () => {
    const answer = makeAnswer(seededRandom(7), 700);
    const response = bigJsonResponse(answer);
    const expected = Response.json(answer);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(expected.headers.get("content-type"));
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(Buffer.from(await expected.arrayBuffer()))).toBe(true);
  });
});
