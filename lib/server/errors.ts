import "server-only";
import { ZodError } from "zod";

/** One problem with a request, located by its path (e.g. `run.runId`, `[3].eventTime`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "invalid_event"
  | "unsupported_media_type"
  | "payload_too_large"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "gone"
  | "rate_limited"
  | "request_timeout"
  | "client_closed"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_event: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  rate_limited: 429,
  request_timeout: 408,
  // Nginx's "client closed request": nobody reads this answer, it only keeps the logs honest.
  client_closed: 499,
  internal: 500,
};

/** The one error type services throw; `toErrorResponse` maps it to HTTP. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  return { error: { code, message, details } };
}

/**
 * The single mapper from anything thrown to a JSON response: known errors keep their status and
 * message, zod errors become 400 with each field, anything else is a 500 that leaks nothing.
 */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    if (error.code === "client_closed") console.warn(`Threadline: ${error.message}`);
    return Response.json(errorBody(error.code, error.message, error.details), {
      status: error.status,
      headers: error.headers,
    });
  }
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return Response.json(errorBody("bad_request", "The request is invalid.", details), { status: 400 });
  }
  console.error("Threadline: unexpected error", error);
  return Response.json(errorBody("internal", "Something went wrong on the server."), { status: 500 });
}
