import fs from "node:fs";
import net from "node:net";

/**
 * The server process helpers benchmarks and reliability scenarios share: a free port, and the
 * memory of a server's whole process tree (Next starts workers; their memory is the server's too).
 */

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A process and all its descendants, breadth first, from /proc (just the root where there is no /proc). */
export function processTree(root: number): number[] {
  if (!fs.existsSync("/proc")) return [root];
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name (field 2) may hold spaces and parentheses: ppid is the second field after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface MemoryFigures {
  /** Resident set of the process tree now, bytes. */
  rssBytes: number;
  /** Peak resident set (VmHWM) of the largest process of the tree, bytes. */
  peakRssBytes: number;
  processes: number;
}

/** Resident memory of a process tree, from /proc/<pid>/status; processes that exited meanwhile are skipped. */
export function processTreeMemory(root: number): MemoryFigures {
  let rssBytes = 0;
  let peakRssBytes = 0;
  let processes = 0;
  for (const pid of processTree(root)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
      rssBytes += kb("VmRSS");
      peakRssBytes = Math.max(peakRssBytes, kb("VmHWM"));
      processes++;
    } catch {
      // exited meanwhile
    }
  }
  return { rssBytes, peakRssBytes, processes };
}
