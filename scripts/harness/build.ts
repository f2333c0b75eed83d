/**
 * The production build (.next) the harness's servers run: the benchmarks make it again when it is
 * older than the sources; the reliability scenarios and their specs only when it is missing (a
 * spec must not rebuild under the shared e2e server).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./server";

const SOURCE_ROOTS = ["app", "components", "lib", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestSourceMtime(root: string): number {
  let newest = 0;
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) if (entry !== "node_modules" && !entry.startsWith(".")) visit(path.join(p, entry));
    } else if (!/\.test\.tsx?$/.test(p)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const r of SOURCE_ROOTS) visit(path.join(root, r));
  return newest;
}

/** Why the production build must be (re)made, or null when .next is up to date. */
export function buildStaleness(root: string): string | null {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no production build (.next/BUILD_ID missing)";
  if (newestSourceMtime(root) > fs.statSync(buildId).mtimeMs) return "sources changed since the last build";
  return null;
}

/** `npm run build`, inheriting the terminal (takes a minute or two). */
export function buildApp(root: string, log: (line: string) => void): void {
  log("building the app (npm run build)…");
  const result = spawnSync("npm", ["run", "--silent", "build"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Builds the app unless a production build is already there. */
export function ensureBuild(root = repoRoot): void {
  if (fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  console.log("No production build in .next: running next build once…");
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("next build failed");
}
