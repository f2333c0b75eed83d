/**
 * The browser's one door to Threadline's API, for reads and writes alike. Every failure becomes one
 * ApiError carrying what the API said (its error envelope `{ error: { code, message, details } }`),
 * or a sentence a person can act on when there was no answer (network down, timeout, unreadable
 * body). Same-origin requests carry the session cookie and an Origin header, which is what the
 * server's CSRF check looks for.
 */

export interface ApiErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when no answer arrived. */
    readonly status: number,
    /** The API's error code (`bad_request`, `conflict`, ...), or NETWORK / TIMEOUT / BAD_BODY. */
    readonly code: string,
    /** The API's per-field reasons, if it gave any. */
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * How long a request may take before the page gives up and offers a retry: long enough for a big
 * neighbourhood on a busy server, short enough that a hung request does not leave a spinner forever.
 */
export const API_TIMEOUT_MS = 20_000;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function request<T>(method: Method, url: string, body: unknown, signal: AbortSignal | undefined, timeoutMs: number | null): Promise<T> {
  // One controller for both reasons to stop: the caller's abort (rethrown as is) and the timeout.
  const controller = new AbortController();
  let isTimedOut = false;
  const timer =
    timeoutMs === null
      ? undefined
      : setTimeout(() => {
          isTimedOut = true;
          controller.abort();
        }, timeoutMs);
  const forwardAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener("abort", forwardAbort, { once: true });
  const timedOut = () =>
    new ApiError(`The server did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} seconds. It may be busy: retry in a moment.`, 0, "TIMEOUT");
  let response: Response;
  let text: string;
  try {
    try {
      response = await fetch(url, {
        method,
        signal: controller.signal,
        credentials: "same-origin",
        headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json", accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (isTimedOut) throw timedOut();
      if (isAbortError(error)) throw error;
      throw new ApiError("The server could not be reached. Is it running?", 0, "NETWORK");
    }
    try {
      text = await response.text();
    } catch (error) {
      if (isTimedOut) throw timedOut();
      if (isAbortError(error)) throw error;
      throw new ApiError("The connection broke while the answer was arriving.", 0, "NETWORK");
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forwardAbort);
  }
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const envelope = parsed as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | null;
    const message = envelope?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
    const details = Array.isArray(envelope?.error?.details) ? envelope.error.details : [];
    throw new ApiError(message, response.status, envelope?.error?.code ?? `HTTP_${response.status}`, details);
  }
  // A read must say something; a write may answer with nothing.
  if (parsed === null && method === "GET") throw new ApiError("The server sent an empty or unreadable answer.", response.status, "BAD_BODY");
  return parsed as T;
}

/** GET a JSON answer. `timeoutMs: null` waits as long as the server takes (a full audit check). */
export function fetchJson<T>(url: string, signal?: AbortSignal, timeoutMs: number | null = API_TIMEOUT_MS): Promise<T> {
  return request<T>("GET", url, undefined, signal, timeoutMs);
}

/**
 * Sends a JSON body (or none) and reads the JSON answer, which may be empty (null). `timeoutMs: null`
 * waits as long as the server takes (a full audit check on demand).
 */
export function sendJson<T>(method: Exclude<Method, "GET">, url: string, body?: unknown, signal?: AbortSignal, timeoutMs: number | null = API_TIMEOUT_MS): Promise<T> {
  return request<T>(method, url, body, signal, timeoutMs);
}
