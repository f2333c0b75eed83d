/**
 * GET /api/v1/lineage's big views, build against build over HTTP, interleaved: each build's
 * production server already running on the same database (say a PostgreSQL store), the same foci
 * asked of each in turn, the order turning every round, so a loaded machine weighs on both alike.
 *
 *   npx tsx scripts/bench/compare-lineage.ts main=http://127.0.0.1:30101 change=http://127.0.0.1:30100 \
 *     --foci-file <json array of node ids> [--rounds 6] [--depth 10] [--limit 2000]
 *
 * The warm-up pass also compares the builds' answers: a focus answered differently (other bytes, the
 * log's head aside) fails the run.
 *
 * The foci file is the one `npm run -s bench:walk -- … --foci-file <f>` writes (neighbourhoods that
 * fill a 2,000-node budget).
 */
import fs from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { summarise } from "../harness/stats";
import { createClient } from "./lib/http-load";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "foci-file": { type: "string" },
    rounds: { type: "string", default: "6" },
    depth: { type: "string", default: "10" },
    limit: { type: "string", default: "2000" },
  },
});
if (!args["foci-file"] || positionals.length === 0) throw new Error("usage: compare-lineage.ts name=url… --foci-file <file>");
const foci = JSON.parse(fs.readFileSync(args["foci-file"], "utf8")) as string[];
const builds = positionals.map((p) => {
  const [name, url] = p.split("=") as [string, string];
  return { name, client: createClient(url, 1), ms: [] as number[] };
});
const path = (node: string) => `/api/v1/lineage?${new URLSearchParams({ node, depth: args.depth!, direction: "both", limit: args.limit! })}`;

const loadBefore = os.loadavg()[0]!;
// One warm-up pass each: prepared statements, caches, the servers' code; and every build's answer
// the first build's, byte for byte (the point in the log aside, in case events arrive meanwhile).
const withoutPoint = (body: string) => body.replace(/,"point":\{[^}]*\}/, "");
for (const f of foci) {
  const answers: string[] = [];
  for (const b of builds) answers.push(withoutPoint((await b.client.get(path(f))).body));
  const other = answers.findIndex((a) => a !== answers[0]);
  if (other > 0) throw new Error(`${builds[other]!.name} answered ${f} otherwise than ${builds[0]!.name}`);
}
for (let round = 0; round < Number(args.rounds); round++) {
  for (const b of round % 2 ? [...builds].reverse() : builds) {
    for (const f of foci) {
      const res = await b.client.get(path(f));
      if (res.status !== 200) throw new Error(`${b.name} answered ${res.status} for ${f}`);
      b.ms.push(res.ms);
    }
  }
}
for (const b of builds) {
  const s = summarise(b.ms);
  console.log(`${b.name.padEnd(12)} p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  max ${s.max.toFixed(1)} ms  (${foci.length} foci × ${args.rounds})`);
  b.client.close();
}
console.log(`load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`);
