/**
 * npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top=40]
 *
 * Where a CPU profile's time went: self time per function (the flame graph's leaves, summed over
 * every stack they appear in) and per source file, largest first. Native work is charged to the
 * JavaScript function that called it — better-sqlite3's statement calls show up as the Store's
 * `all`/`get`/`run` wrappers (sqlite-store.ts), `exec` is BEGIN/COMMIT and the WAL checkpoint.
 * Profile a run with `node --cpu-prof --cpu-prof-dir=<dir> --import tsx --conditions=react-server <script>`
 * (see docs/benchmarks.md, "Where batched ingest spends its time").
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("Usage: npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top]");
  process.exit(2);
}
const top = Number(topArg ?? 40);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;

// Each sample's time delta belongs to the node sampled.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const shortUrl = (url: string) => url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*?\/(lib|scripts|app)\//, "$1/");
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let totalUs = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  totalUs += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
  const fn = `${functionName || "(anonymous)"} ${where}`.trim();
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  const f = url ? shortUrl(url) : functionName;
  byFile.set(f, (byFile.get(f) ?? 0) + us);
}

const print = (title: string, rows: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${name.slice(0, 140)}`);
  }
};
console.log(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled`);
print("Self time by function", byFunction);
print("Self time by file", byFile);
