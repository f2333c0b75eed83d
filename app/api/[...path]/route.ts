import { AppError, toErrorResponse } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

// Any /api path no route serves — a JSON 404 in the API's error shape, never the HTML not-found page
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return toErrorResponse(new AppError("not_found", `There is no API endpoint ${request.method} ${pathname}. The API is described in docs/api.md.`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
