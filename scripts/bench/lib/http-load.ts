/**
 * A lean HTTP client for the load tests: node:http with keep-alive sockets (fetch costs the client
 * more CPU than the server spends on a small request, and client and server share two cores).
 */
import http from "node:http";
import { summarise, type LatencySummary } from "../../harness/stats";

export interface HttpResult {
  status: number;
  body: string;
  ms: number;
}

export function createClient(baseUrl: string, sockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const request = (method: string, path: string, body?: string): Promise<HttpResult> =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - start }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return {
    get: (path: string) => request("GET", path),
    post: (path: string, body: string) => request("POST", path, body),
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof createClient>;

export interface LoadResult {
  requests: number;
  wallMs: number;
  perSecond: number;
  latency: LatencySummary;
  statuses: Record<string, number>;
}

/**
 * Sends `bodies.length` requests, `concurrency` at a time (each worker sends its next request when
 * its previous answer arrived), and reports throughput and per-request latency.
 */
export async function runLoad(
  client: Client,
  concurrency: number,
  count: number,
  send: (i: number) => Promise<HttpResult>,
): Promise<LoadResult> {
  const latencies = new Array<number>(count);
  const statuses: Record<string, number> = {};
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const result = await send(i);
      latencies[i] = result.ms;
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  return { requests: count, wallMs, perSecond: (count / wallMs) * 1000, latency: summarise(latencies), statuses };
}
