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

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError("The server could not be reached. Is it running?", 0, "NETWORK");
  }
  const text = await response.text();
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
