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

/** The parent of a process, from its /proc/<pid>/stat text. */
function parentOf(stat: string): number {
  // The name (field 2) may hold spaces and parentheses: ppid is the second field after the last ')'.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** The parent of process `pid` (/proc/<pid>/stat), or null where it exited or there is no /proc. */
export function parentPid(pid: number): number | null {
  try {
    return parentOf(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** A process and all its descendants, breadth first, from /proc (just the root where there is no /proc). */
export function processTree(root: number): number[] {
  if (!fs.existsSync("/proc")) return [root];
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = parentOf(fs.readFileSync(`/proc/${entry}/stat`, "utf8"));
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

/**
 * CPU time (ms) each kind of thread of a process tree has used so far, by thread name ("node" is a
 * process's main thread, "V8 DefaultWorke" V8's helpers — concurrent GC and compilation —,
 * "libuv-worker" the thread pool), from /proc/<pid>/task/<tid>/stat; empty where there is no /proc.
 * Tells whether a server's main thread, which runs every request's JavaScript, is what is busy.
 */
export function threadCpuMs(root: number): Record<string, number> {
  const byName: Record<string, number> = {};
  if (!fs.existsSync("/proc")) return byName;
  for (const pid of processTree(root)) {
    let tids: string[];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = tid === String(pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "").trim();
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        byName[name] = (byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        // exited meanwhile
      }
    }
  }
  return byName;
}

/**
 * How a process's main thread spent its time so far, in milliseconds, from
 * /proc/<pid>/task/<pid>/schedstat: running on a CPU, and runnable but waiting for one (the
 * machine's other work had the cores); the rest of the wall time it slept (waiting for I/O, a
 * timer, or a blocking system call such as an fsync). Null where there is no schedstat.
 */
export function mainThreadSchedMs(pid: number): { runMs: number; waitMs: number } | null {
  const sched = schedstatNs(`/proc/${pid}/task/${pid}/schedstat`);
  return sched && { runMs: sched.runNs / 1e6, waitMs: sched.waitNs / 1e6 };
}

/**
 * A schedstat file's first two figures, in nanoseconds: time on a core and time runnable but
 * waiting for one (a process's, /proc/<pid>/schedstat, or a thread's, /proc/<pid>/task/<tid>/schedstat);
 * null where it exited or there is no such file.
 */
export function schedstatNs(path: string): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = fs.readFileSync(path, "utf8").trim().split(" ").map(Number);
    return { runNs: run!, waitNs: wait! };
  } catch {
    return null;
  }
}
