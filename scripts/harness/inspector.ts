/**
 * A server's main thread seen through its inspector (Chrome DevTools Protocol over a WebSocket):
 * V8's own view of its memory, a forced garbage collection and the CPU profiler. The server must
 * run with `--inspect=127.0.0.1:0` (it prints the address it listens on, which `output` returns).
 * No debug route is needed in the product. Needs Node's WebSocket (Node 22, or 20 with
 * NODE_OPTIONS=--experimental-websocket).
 */
import { round } from "./stats";

/** `process.memoryUsage()` of the server, in MB (rss, heapTotal, heapUsed, external, arrayBuffers). */
export type HeapFigures = Record<string, number>;

export interface Inspector {
  memory(): Promise<HeapFigures>;
  collectGarbage(): Promise<unknown>;
  /** Evaluates an expression in the server's main context; answers its value (JSON-able). */
  evaluate<T = unknown>(expression: string): Promise<T>;
  startProfile(): Promise<void>;
  stopProfile(): Promise<unknown>;
  /** Samples every allocation from now on, the garbage collected since included. */
  startHeapSampling(): Promise<void>;
  /** The sampled allocations since startHeapSampling (a .heapprofile: DevTools' "Allocation sampling"). */
  stopHeapSampling(): Promise<unknown>;
  close(): void;
}

/** Whether this Node can talk to an inspector (it has a WebSocket client). */
export const canInspect = () => typeof WebSocket === "function";

/** Connects to the inspector of the server whose printed output `output` returns. */
export async function connectInspector(output: () => string): Promise<Inspector> {
  const deadline = Date.now() + 10_000;
  let url: string | undefined;
  while (!(url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!url) throw new Error("the server did not print its inspector address");
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.onmessage = (message) => {
    const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown };
    if (data.id !== undefined) pending.get(data.id)?.(data.result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    memory: async () => {
      const result = (await send("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true })) as { result: { value: string } };
      const usage = JSON.parse(result.result.value) as Record<string, number>;
      return Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, round(v / 2 ** 20)]));
    },
    collectGarbage: () => send("HeapProfiler.collectGarbage"),
    evaluate: async <T>(expression: string) => {
      const result = (await send("Runtime.evaluate", { expression: `JSON.stringify(${expression})`, returnByValue: true })) as { result: { value?: string } };
      return (result.result.value === undefined ? undefined : JSON.parse(result.result.value)) as T;
    },
    startProfile: async () => {
      await send("Profiler.enable");
      await send("Profiler.setSamplingInterval", { interval: 200 });
      await send("Profiler.start");
    },
    stopProfile: async () => ((await send("Profiler.stop")) as { profile: unknown }).profile,
    startHeapSampling: async () => {
      await send("HeapProfiler.enable");
      await send("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    },
    stopHeapSampling: async () => ((await send("HeapProfiler.stopSampling")) as { profile: unknown }).profile,
    close: () => socket.close(),
  };
}
