import "server-only";
import { gunzipSync } from "node:zlib";
import { AppError } from "./errors";
import { getConfig } from "@/lib/config";
import { findExcessiveNesting, MAX_BODY_NESTING } from "./limits";
import { requireWriter } from "./auth";
import type { Queryable } from "./store/types";

import { clientAddress as addressOf } from "@/lib/client-identity";

/** The client's address for per-address limits, behind THREADLINE_TRUSTED_PROXIES proxies (lib/client-identity.ts). */
export function clientAddress(request: Request): string {
  return addressOf(request, getConfig().THREADLINE_TRUSTED_PROXIES);
}

/** Reading requests safely: size limits before parsing, gzip with a bound, JSON with a clear error. */

async function readLimited(request: Request, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await streamBody(request, maxBytes, timeoutMs, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/**
 * Hands a request body to `onChunk` piece by piece as it arrives, so a large body never sits whole
 * in memory: refused past `maxBytes` (413, declared or counted) and when it has not arrived within
 * `timeoutMs` (408). Answers the total byte count.
 */
export async function streamBody(request: Request, maxBytes: number, timeoutMs: number, onChunk: (chunk: Uint8Array) => void): Promise<number> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return 0;
  const reader = request.body.getReader();
  let total = 0;
  // A body trickled in a byte at a time would hold a connection (and its buffers) for minutes.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array> | "timeout";
      try {
        next = await Promise.race([reader.read(), timedOut]);
      } catch {
        // The stream fails when the client goes away mid-body: not a server error.
        throw new AppError("client_closed", `the client closed the connection before its ${request.method} body to ${new URL(request.url).pathname} arrived.`);
      }
      if (next === "timeout") {
        void reader.cancel().catch(() => undefined);
        throw new AppError("request_timeout", `The request body did not arrive within ${timeoutMs / 1000} s.`);
      }
      const { done, value } = next;
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Answer 413 now but keep reading (and dropping) the rest: cancelling leaves it unread in the
        // socket, and a client's next request on that kept-alive connection would hang, then reset.
        void discardRest(reader);
        throw tooLarge(maxBytes);
      }
      onChunk(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return total;
}

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch {
    // The client went away: nothing left to drain.
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than the limit of ${maxBytes} bytes.`);
}

/**
 * The JSON body of a write request. Refuses a content type other than JSON (415), a body over the
 * limit before or after gzip (413: a gzip bomb stops at the limit), and text that is not JSON (400).
 */
export async function readJsonBody(request: Request, options: { maxBytes?: number } = {}): Promise<unknown> {
  return (await readSizedJsonBody(request, options)).value;
}

/** readJsonBody's value with the body's size in bytes (after gzip), for writes bounded by bytes. */
export async function readSizedJsonBody(request: Request, options: { maxBytes?: number } = {}): Promise<{ value: unknown; bytes: number }> {
  const config = getConfig();
  const max = options.maxBytes ?? config.THREADLINE_MAX_BODY_BYTES;
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[\w.+-]*\+json$/.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      `Content-Type must be application/json, not ${type || "missing"}.`,
      [{ path: "headers.content-type", message: "expected application/json" }],
    );
  }
  let body = await readLimited(request, max, config.THREADLINE_BODY_TIMEOUT_MS);
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "gzip") {
    try {
      body = gunzipSync(body, { maxOutputLength: max });
    } catch (error) {
      if (error instanceof RangeError) throw tooLarge(max);
      throw new AppError("bad_request", "The body is not valid gzip.", [{ path: "body", message: "invalid gzip data" }]);
    }
  } else if (encoding !== "identity") {
    throw new AppError("unsupported_media_type", `Content-Encoding ${encoding} is not supported; use gzip or none.`);
  }
  // Before JSON.parse, whose cost grows with nesting: see lib/server/limits.ts.
  const tooDeepAt = findExcessiveNesting(body);
  if (tooDeepAt !== null) {
    throw new AppError("bad_request", `The body is nested deeper than ${MAX_BODY_NESTING} levels.`, [
      { path: "body", message: `more than ${MAX_BODY_NESTING} nested objects or arrays at byte ${tooDeepAt}` },
    ]);
  }
  const text = body.toString("utf8");
  if (text.includes("\uFFFD") && !Buffer.from(text, "utf8").equals(body)) {
    throw new AppError("invalid_json", "The body is not valid UTF-8.", [{ path: "body", message: "invalid UTF-8" }]);
  }
  try {
    return { value: JSON.parse(text), bytes: body.byteLength };
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "unreadable";
    throw new AppError("invalid_json", "The body is not valid JSON.", [{ path: "body", message: reason }]);
  }
}

/**
 * Who may write, as the name events record as their sender (an API key's name, `user:<name>`,
 * `api-key` for THREADLINE_API_KEY, or `anonymous` in local demo mode). The rules are in
 * lib/server/auth.ts: 401 without valid credentials in protected mode, 403 for a cross-site
 * cookie-authenticated write.
 */
export async function authenticateWriter(request: Request, store: Queryable): Promise<string> {
  return (await requireWriter(request, store)).sender;
}
