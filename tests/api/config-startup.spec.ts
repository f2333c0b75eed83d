import { expect, test } from "@playwright/test";
import { ownPort, ownServerProcess } from "../support/own-server";

/**
 * The configuration is parsed when the server starts (instrumentation.ts -> lib/config.ts): a bad
 * value must stop `next start` with a non-zero exit naming the variable, before any request.
 */

const PORT = ownPort(4);

async function startAndWaitForExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const server = ownServerProcess({ port: PORT, dbFile: "data/e2e-config.db", env });
  server.launch();
  const running = new Promise<"running">((resolve) => setTimeout(() => resolve("running"), 30_000));
  const result = await Promise.race([server.exit(), running]);
  if (result === "running") {
    await server.stop();
    return { code: null, output: server.output() };
  }
  return { code: result, output: server.output() };
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
