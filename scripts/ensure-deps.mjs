// pretest: installs the dependencies when they are missing or older than package-lock.json, so
// `npm test` works on its own on a fresh clone (it used to stop at "tsc: not found"). Plain Node,
// no dependencies: it runs before any are there.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lockfile = path.join(root, "package-lock.json");
// npm writes this after every install; it is older than the lockfile when the lockfile changed since.
const installed = path.join(root, "node_modules", ".package-lock.json");

function reasonToInstall() {
  if (!fs.existsSync(installed)) return "node_modules is missing";
  if (fs.statSync(lockfile).mtimeMs > fs.statSync(installed).mtimeMs) return "package-lock.json changed since the last install";
  return null;
}

const reason = reasonToInstall();
if (reason) {
  console.log(`Installing dependencies (${reason}): npm ci`);
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  process.exit(result.status ?? 1);
}
