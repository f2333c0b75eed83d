import { spawn } from "node:child_process";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, processTree, processTreeMemory } from "./process";

describe("freePort", () => {
  it("gives a port a server can listen on", async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe("processTree and processTreeMemory", () => {
  it("count a child process into its parent's tree and memory", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(processTree(process.pid)).toContain(child.pid);
      const alone = processTreeMemory(child.pid!);
      const withChild = processTreeMemory(process.pid);
      expect(alone.processes).toBe(1);
      expect(alone.rssBytes).toBeGreaterThan(0);
      expect(withChild.processes).toBeGreaterThan(alone.processes);
      expect(withChild.rssBytes).toBeGreaterThan(alone.rssBytes);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
