import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, fetchJson, isAbortError, sendJson } from "@/components/api-client";

// A real HTTP server answering the way Threadline's API does, so the client is checked end to end.
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (req.url === "/ok") return json(200, { hello: "world" });
    if (req.url === "/conflict") {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () =>
        json(409, { error: { code: "conflict", message: `An API key named ${JSON.parse(text).name} exists.`, details: [{ path: "name", message: "already taken" }] } }),
      );
      return;
    }
    if (req.url === "/teapot") return res.writeHead(418).end("<html>not json</html>");
    if (req.url === "/empty") return json(200, undefined);
    if (req.url === "/slow") return void setTimeout(() => json(200, {}), 2_000);
    json(404, { error: { code: "not_found", message: "No such thing." } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("fetchJson", () => {
  it("returns the parsed answer", async () => {
    expect(await fetchJson(`${base}/ok`)).toEqual({ hello: "world" });
  });

  it("turns the API's error envelope into an ApiError with its status, code and message", async () => {
    const error = await fetchJson(`${base}/missing`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "No such thing." });
  });

  it("names the status when the answer is not the API's JSON", async () => {
    await expect(fetchJson(`${base}/teapot`)).rejects.toMatchObject({ status: 418, code: "HTTP_418" });
  });

  it("refuses an empty answer to a read", async () => {
    await expect(fetchJson(`${base}/empty`)).rejects.toMatchObject({ code: "BAD_BODY" });
  });

  it("gives up after the timeout with a message that says so", async () => {
    await expect(fetchJson(`${base}/slow`, undefined, 100)).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("rethrows the caller's abort as an abort, not an error to show", async () => {
    const controller = new AbortController();
    const pending = fetchJson(`${base}/slow`, controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(isAbortError(await pending)).toBe(true);
  });

  it("says when the server cannot be reached", async () => {
    await expect(fetchJson("http://127.0.0.1:9/nothing")).rejects.toMatchObject({ status: 0, code: "NETWORK" });
  });
});

describe("sendJson", () => {
  it("sends the body and surfaces the API's per-field details", async () => {
    const error = (await sendJson("POST", `${base}/conflict`, { name: "airflow" }).catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 409, code: "conflict", message: "An API key named airflow exists." });
    expect(error.details).toEqual([{ path: "name", message: "already taken" }]);
  });

  it("accepts an empty answer to a write", async () => {
    expect(await sendJson("DELETE", `${base}/empty`)).toBeNull();
  });
});
