/**
 * HTTP for the reliability scenarios, on node:http so that every outcome is visible: the status and
 * body of a response, or the network error (refused, reset, timeout) when there is none.
 */
import http from "node:http";

export interface HttpResult {
  /** 0 when no response arrived (connection refused or reset, timeout). */
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
  /** The network error's code when status is 0. */
  error?: string;
}

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  agent?: http.Agent;
  /** Send the body with chunked transfer encoding, without Content-Length. */
  isChunked?: boolean;
}

/** One request; never throws. */
export function send(baseUrl: string, spec: RequestSpec): Promise<HttpResult> {
  const started = performance.now();
  const url = new URL(spec.path, baseUrl);
  return new Promise((resolve) => {
    let isSettled = false;
    const settle = (result: Omit<HttpResult, "ms">) => {
      if (isSettled) return;
      isSettled = true;
      resolve({ ...result, ms: performance.now() - started });
    };
    const body = spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
    const request = http.request(
      url,
      {
        method: spec.method ?? "POST",
        agent: spec.agent ?? false,
        headers: { ...(body && !spec.isChunked ? { "content-length": String(body.length) } : {}), ...spec.headers },
        timeout: spec.timeoutMs ?? 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => settle({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", (e: NodeJS.ErrnoException) =>
          settle({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8"), error: e.code ?? e.message }),
        );
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    request.on("error", (e: NodeJS.ErrnoException) => settle({ status: 0, headers: {}, body: "", error: e.code ?? e.message }));
    if (!body) request.end();
    else if (!spec.isChunked) request.end(body);
    else {
      // In 1 MiB chunks, so the server sees a stream and must stop it at its limit.
      for (let at = 0; at < body.length; at += 1024 * 1024) request.write(body.subarray(at, at + 1024 * 1024));
      request.end();
    }
  });
}

export function postJson(baseUrl: string, path: string, value: unknown, agent?: http.Agent): Promise<HttpResult> {
  return send(baseUrl, { path, body: JSON.stringify(value), headers: { "content-type": "application/json" }, agent });
}

export interface RetryPolicy {
  /** Give up after this many attempts (Infinity: until the deadline). */
  maxAttempts: number;
  /** Stop retrying after this much time in total. */
  deadlineMs: number;
  /** First back-off; it doubles, with jitter, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * What the OpenLineage clients do (the Python client's HTTP transport retries 429 and 5xx with
 * exponential back-off; the Java client too, and both retry connection errors): retry a network
 * error, a 429 (after its Retry-After) or a 5xx; anything else is final.
 */
export const OPENLINEAGE_RETRY: RetryPolicy = { maxAttempts: Infinity, deadlineMs: 120_000, backoffMs: 100, maxBackoffMs: 2000 };

export function isRetryable(result: HttpResult): boolean {
  return result.status === 0 || result.status === 429 || result.status >= 500;
}

export interface RetriedResult {
  final: HttpResult;
  attempts: HttpResult[];
}

export async function sendWithRetry(baseUrl: string, spec: RequestSpec, policy: RetryPolicy = OPENLINEAGE_RETRY): Promise<RetriedResult> {
  const started = Date.now();
  const attempts: HttpResult[] = [];
  let backoff = policy.backoffMs;
  for (;;) {
    const result = await send(baseUrl, spec);
    attempts.push(result);
    if (!isRetryable(result) || attempts.length >= policy.maxAttempts || Date.now() - started > policy.deadlineMs) {
      return { final: result, attempts };
    }
    const retryAfter = Number(result.headers["retry-after"]);
    const wait = result.status === 429 && Number.isFinite(retryAfter) ? retryAfter * 1000 : backoff * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, wait));
    backoff = Math.min(backoff * 2, policy.maxBackoffMs);
  }
}

/** The error envelope of a response, when it has one. */
export function errorOf(result: HttpResult): { code?: string; message?: string } | null {
  try {
    const parsed = JSON.parse(result.body) as { error?: { code?: string; message?: string } };
    return parsed.error ?? null;
  } catch {
    return null;
  }
}
