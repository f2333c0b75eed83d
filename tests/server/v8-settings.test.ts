/**
 * The server's own V8 settings (lib/server/v8-settings.ts, applied when it starts): a request's
 * objects that live until its answer is written are born young, however often that happens, so a
 * collection of the young generation frees them and the old generation does not fill with them.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

function probe(...args: string[]): number[] {
  const run = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "tests/fixtures/pretenuring-probe.ts", ...args], { cwd: root, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { oldBytesByRound: number[] }).oldBytesByRound;
}

describe("the server's V8 settings", () => {
  it("keep objects born young after rounds in which most of them outlived a scavenge", () => {
    // Without them V8 pretenures the literal: its objects go straight to the old generation.
    expect(Math.min(...probe())).toBeGreaterThan(500_000);
    expect(probe("--server-flags")).toEqual([0, 0, 0, 0, 0]);
  }, 60_000);
});
