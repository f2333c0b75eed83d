import { expect, test } from "@playwright/test";
import { spawnServer, stopProcessGroup, ownPort } from "../support/own-server";

/**
 * The configuration is parsed when the server starts (instrumentation.ts -> lib/config.ts): a bad
 * value must stop `next start` with a non-zero exit naming the variable, before any request.
 */

const PORT = ownPort(4);

async function startAndWaitForExit(env: Record<string, string>): Promise<{ code: number | null; output: string; answered: boolean }> {
  const server = spawnServer({ port: PORT, dbFile: "data/e2e-config.db", env });
  let output = "";
  server.stdout?.on("data", (d) => (output += d));
  server.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  const timeout = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000));
  const result = await Promise.race([exited, timeout]);
  let answered = false;
  if (result === "running") {
    answered = await fetch(`http://127.0.0.1:${PORT}/api/v1/stats`).then((r) => r.ok, () => false);
    await stopProcessGroup(server);
    return { code: null, output, answered };
  }
  return { code: result, output, answered };
}

test.describe("start-up configuration", () => {
  test("a bad value stops the server with a non-zero exit naming the variable", async () => {
    test.setTimeout(60_000);
    const { code, output } = await startAndWaitForExit({ THREADLINE_RATE_LIMIT_BURST: "plenty" });
    expect(code, `the server kept running:\n${output}`).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain("THREADLINE_RATE_LIMIT_BURST");
    expect(output).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  test("an unusable signing key and a database URL it cannot open are both named in one message", async () => {
    test.setTimeout(60_000);
    const { code, output } = await startAndWaitForExit({ THREADLINE_SIGNING_KEY: "not-a-key", DATABASE_URL: "mysql://u:hunter2@db/t" });
    expect(code).not.toBeNull();
    expect(code).not.toBe(0);
    expect(output).toContain("THREADLINE_SIGNING_KEY");
    expect(output).toContain("DATABASE_URL");
    expect(output).not.toContain("hunter2");
  });
});
