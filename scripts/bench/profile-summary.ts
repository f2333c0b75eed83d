/**
 * npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top=40] [--per <n>]
 *
 * Where a CPU profile's time went: self time per function (the flame graph's leaves, summed over
 * every stack they appear in) and per source file, largest first, then the time per part of a
 * request (see `partOf`). Native work is charged to the JavaScript function that called it —
 * better-sqlite3's statement calls show up as the Store's `all`/`get`/`run` wrappers
 * (sqlite-store.ts), `exec` is BEGIN/COMMIT and the WAL checkpoint. Frames of the production build
 * (.next) are mapped back to their sources through the build's source maps, so minified names read
 * as `lib/server/http.ts:readSizedJsonBody`. With `--per <n>` the parts are also given in µs per
 * one of n requests (the POSTs a profile recorded), so two profiles of different lengths compare.
 * Profile a script with `node --cpu-prof --cpu-prof-dir=<dir> --import tsx --conditions=react-server
 * <script>`, a server with scripts/bench/profile-post.ts.
 */
import fs from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const perIndex = args.indexOf("--per");
const per = perIndex >= 0 ? Number(args[perIndex + 1]) : undefined;
const [file, topArg] = perIndex >= 0 ? args.filter((_, i) => i !== perIndex && i !== perIndex + 1) : args;
if (!file) {
  console.error("Usage: npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top] [--per <requests>]");
  process.exit(2);
}
const top = Number(topArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;

/** A frame as a reader names it: its source file (through the build's source map) and function. */
interface Frame {
  source: string;
  name: string;
  line: number;
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const path = fileURLToPath(url);
      if (path.includes("/.next/") && fs.existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(fs.readFileSync(`${path}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

const shortSource = (source: string) =>
  source.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(lib|scripts|app|components)\//, "$1/").replace(/^(\.\.\/)+/, "").replace(/^\[project\]\//, "");

function resolve(frame: CallFrame): Frame {
  const { functionName, url, lineNumber, columnNumber } = frame;
  const name = functionName || "(anonymous)";
  if (!url) return { source: "", name, line: 0 };
  const map = url.startsWith("file://") ? sourceMapOf(url) : null;
  const entry = map?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
  if (entry?.originalSource) {
    return { source: shortSource(entry.originalSource), name: entry.name ?? name, line: (entry.originalLine ?? 0) + 1 };
  }
  return { source: shortSource(url), name, line: lineNumber + 1 };
}

const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
const frames = new Map(profile.nodes.map((n) => [n.id, resolve(n.callFrame)]));

/** The stack of a sampled node, leaf first. */
function stackOf(id: number): Frame[] {
  const stack: Frame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) stack.push(frames.get(at)!);
  return stack;
}

/**
 * The part of a request a sample served, decided by its leaf and the Threadline code on its stack:
 * SQLite's own work by the native call (exec: BEGIN/COMMIT; run/all/get: statements), Threadline's
 * JavaScript by the innermost file of ours on the stack, and what has none of ours on its stack by
 * who runs it (Next and Node: routing, Request/Response, streams, async hooks).
 */
function partOf(stack: Frame[]): string {
  const leaf = stack[0]!;
  // better-sqlite3's native calls: bare, or charged to its JavaScript wrappers, or (statements run
  // through the Store) to the Store's own one-line wrappers.
  const isNative = leaf.source === "" || leaf.source.startsWith("better-sqlite3/");
  if (leaf.source === "") {
    if (leaf.name === "(garbage collector)") return "garbage collection";
    if (leaf.name === "(idle)") return "idle";
    if (leaf.name === "(program)") return "V8 and native, outside JavaScript (program)";
  }
  if (isNative && leaf.name === "exec") return "SQLite exec: BEGIN IMMEDIATE / COMMIT (WAL writes, checkpoint)";
  const isStatement = (isNative && ["run", "all", "get", "iterate"].includes(leaf.name)) || leaf.source === "lib/server/store/sqlite-store.ts";
  if (isStatement && stack.some((f) => f.source.startsWith("lib/server/store/"))) return "SQLite statements (log and projection)";
  const ours = stack.find((f) => /^(lib|app)\//.test(f.source));
  if (ours === undefined) return "Next.js and Node per request (no Threadline frame on the stack)";
  const has = (pattern: RegExp) => stack.some((f) => pattern.test(f.source));
  if (has(/^lib\/schemas\/canonical/)) return "canonical JSON";
  if (leaf.name === "oneShotDigest" || leaf.name === "digest" || has(/^lib\/server\/event-log/) && /hash|sha/i.test(leaf.name)) return "hashing (sha256)";
  if (has(/^lib\/schemas\/(openlineage|facets|event-limits|json-guards)/)) return "validation (zod, facets, limits)";
  if (has(/^lib\/server\/(projection|event-log|ingest)\.ts/) || has(/^lib\/server\/store\//)) return "log and projection JavaScript";
  if (has(/^lib\/server\/(http|limits)\.ts/)) return "body reading (stream, nesting, UTF-8, JSON.parse)";
  if (has(/^lib\/server\/(group-commit|ingest-event)\.ts/)) return "group commit";
  return `other Threadline code (${ours.source})`;
}

// Each sample's time delta belongs to the node sampled.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const byPart = new Map<string, number>();
let totalUs = 0;
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
for (const [id, us] of selfUs) {
  if (us === 0) continue;
  totalUs += us;
  const frame = frames.get(id)!;
  add(byFunction, `${frame.name} ${frame.source ? `${frame.source}:${frame.line}` : ""}`.trim(), us);
  add(byFile, frame.source || frame.name, us);
  add(byPart, partOf(stackOf(id)), us);
}

const print = (title: string, rows: Map<string, number>, count = top) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    const perRequest = per ? `${(us / per).toFixed(0).padStart(6)} µs/req ` : "";
    console.log(`${(us / 1000).toFixed(0).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${perRequest}${name.slice(0, 140)}`);
  }
};
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled${per ? `, ${(totalUs / per).toFixed(0)} µs per request over ${per}` : ""}`);
print("Self time by function", byFunction);
print("Self time by file", byFile);
print("Time by part of the request", byPart, Infinity);
