/**
 * The explorer's only door to the read API. Turns the API's error envelope
 * ({ error: { code, message, details } }) and network failures into one ApiError with a message a
 * person can read.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/**
 * How long a read may take before the explorer gives up and offers a retry: long enough for a big
 * neighbourhood on a busy server, short enough that a hung request does not leave a spinner forever.
 */
export const API_TIMEOUT_MS = 20_000;

export async function fetchJson<T>(url: string, signal?: AbortSignal, timeoutMs: number = API_TIMEOUT_MS): Promise<T> {
  // One controller for both reasons to stop: the caller's abort (rethrown as is) and the timeout.
  const controller = new AbortController();
  let isTimedOut = false;
  const timer = setTimeout(() => {
    isTimedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener("abort", forwardAbort, { once: true });
  const timedOut = () =>
    new ApiError(`The server did not answer within ${Math.round(timeoutMs / 1000)} seconds. It may be busy: retry in a moment.`, 0, "TIMEOUT");
  let response: Response;
  let text: string;
  try {
    try {
      response = await fetch(url, { signal: controller.signal, headers: { accept: "application/json" } });
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
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const envelope = body as { error?: { code?: string; message?: string } } | null;
    const message = envelope?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
    throw new ApiError(message, response.status, envelope?.error?.code ?? `HTTP_${response.status}`);
  }
  if (body === null) throw new ApiError("The server sent an empty or unreadable answer.", response.status, "BAD_BODY");
  return body as T;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** URL of the lineage page for a node; the one place this address is built. */
export function lineageHref(id: string, extra?: Record<string, string>): string {
  const params = new URLSearchParams({ node: id, ...extra });
  return `/lineage?${params.toString()}`;
}
