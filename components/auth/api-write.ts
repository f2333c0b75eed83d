/**
 * Writes from the browser (sign-in, shares, keys): JSON in, JSON out, the API's error envelope
 * turned into one message a person can read. Same-origin fetches carry the session cookie and an
 * Origin header, which is what the server's CSRF check looks for.
 */

export class WriteError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "WriteError";
  }
}

export async function sendJson<T>(method: "POST" | "DELETE", url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new WriteError("The server could not be reached. Is it running?", 0);
  }
  const data = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!response.ok) {
    throw new WriteError(data?.error?.message ?? `The server answered ${response.status}.`, response.status);
  }
  return data as T;
}
