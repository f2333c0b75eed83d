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

/**
 * CPU time a process tree has used so far (user + system, from /proc/<pid>/stat, in milliseconds at
 * the kernel's 10 ms tick), or null where there is no /proc. The difference over a load tells what
 * each request cost the server whatever else shares the machine: on a loaded machine throughput
 * falls with the share of the cores the server gets, its CPU per request much less.
 */
export function processTreeCpuMs(root: number): number | null {
  if (!fs.existsSync("/proc")) return null;
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // utime and stime are fields 14 and 15; after the last ')' the third field (state) is field 3.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks * 10;
}
