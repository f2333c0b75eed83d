import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { httpSink } from "./http-sink";

/** The remote sink against a local HTTP server that answers like Threadline's batch API. */

let server: http.Server;
let url: string;
const seen: { path: string; authorization: string | undefined; events: number }[] = [];
let answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization, events: (JSON.parse(Buffer.concat(chunks).toString()) as unknown[]).length });
    const answer = answers.shift() ?? { status: 500, body: {} };
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("httpSink", () => {
  it("posts the batch with the API key, waits out a 429 and maps a 207's results back by index", async () => {
    seen.length = 0;
    answers = [
      { status: 429, body: { error: { code: "rate_limited", message: "slow down" } }, headers: { "retry-after": "0" } },
      { status: 207, body: { results: [{ index: 1, status: "rejected", errors: [{ path: "eventTime", message: "is required" }] }, { index: 0, status: "created", seq: 9 }] } },
    ];
    const outcomes = await httpSink(url, "tlk_secret")([{ a: 1 }, { b: 2 }]);
    expect(seen).toEqual([
      { path: "/api/v1/lineage/batch", authorization: "Bearer tlk_secret", events: 2 },
      { path: "/api/v1/lineage/batch", authorization: "Bearer tlk_secret", events: 2 },
    ]);
    expect(outcomes).toEqual([{ status: "created" }, { status: "rejected", errors: [{ path: "eventTime", message: "is required" }] }]);
  });

  it("names Threadline's answer when it refuses the key", async () => {
    answers = [{ status: 401, body: { error: { code: "unauthorized", message: "This API key is not valid." } } }];
    await expect(httpSink(url, "tlk_wrong")([{}])).rejects.toThrow(`${url}/api/v1/lineage/batch: Threadline answered 401: This API key is not valid.`);
  });

  it("names the address it cannot reach", async () => {
    const error = await httpSink("http://127.0.0.1:9", undefined)([{}]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/^http:\/\/127\.0\.0\.1:9\/api\/v1\/lineage\/batch: cannot reach Threadline/);
  });
});
