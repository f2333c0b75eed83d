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
  | "conflict"
  | "gone"
  | "view_too_large"
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
  conflict: 409,
  gone: 410,
  view_too_large: 422,
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
 * A write that lost a race on a unique column: two requests created the same name at once, and the
 * database refused the second (SQLite's SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY, PostgreSQL's 23505,
 * Prisma's P2002). Checked before the write, the name was still free; the answer is 409, not 500.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505" || code === "P2002";
}

/**
 * The single mapper from anything thrown to a JSON response: known errors keep their status and
 * message, zod errors become 400 with each field, a lost unique-name race 409, anything else is a
 * 500 that leaks nothing.
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
    const first = details[0];
    const message = first ? `The request is invalid: ${first.path ? `${first.path} ` : ""}${first.message}.` : "The request is invalid.";
    return Response.json(errorBody("bad_request", message, details), { status: 400 });
  }
  if (isUniqueViolation(error)) {
    return Response.json(errorBody("conflict", "Something with the same name or id was just created; reload and try again."), { status: 409 });
  }
  console.error("Threadline: unexpected error", error);
  return Response.json(errorBody("internal", "Something went wrong on the server."), { status: 500 });
}
