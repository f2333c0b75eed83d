import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { AppError, errorBody, toErrorResponse } from "@/lib/server/errors";
import { authenticateWriter, readSizedJsonBody } from "@/lib/server/http";
import { bigJsonResponse } from "@/lib/server/json-response";
import { enforceWriteRateLimit } from "@/lib/server/rate-limit";
import type { Arrival } from "@/lib/server/group-commit";
import { announceEvent, ingestEvent } from "@/lib/server/ingest-event";
import { readLineageAnswer } from "@/lib/server/views";
import { withExpensiveRead } from "@/lib/server/read-guard";
import { parseViewQuery } from "@/lib/schemas/view-query";

export const dynamic = "force-dynamic";

/** Views asking for more nodes than this go through the expensive-read bounds, like exports. */
const LARGE_VIEW_NODES = 2_000;

// GET /api/v1/lineage — the neighbourhood of one node (and its expansions), as of an event or now
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const query = parseViewQuery(new URL(request.url).searchParams);
    const read = () => readLineageAnswer(getStore(), query);
    // A big view is some 880 KB of JSON: written in pieces straight into one buffer (json-response.ts).
    return bigJsonResponse((query.limit ?? 0) > LARGE_VIEW_NODES ? await withExpensiveRead(request, read) : await read());
  } catch (error) {
    return toErrorResponse(error);
  }
}

// POST /api/v1/lineage — one OpenLineage event (the OpenLineage HTTP transport's endpoint)
export async function POST(request: Request) {
  let arrival: Arrival | undefined;
  try {
    // Announced before anything is read, so a group committing now waits for this event rather
    // than leaving without it; withdrawn if the request fails before its event joins.
    arrival = announceEvent(getStore());
    const sender = await authenticateWriter(request, getStore());
    enforceWriteRateLimit(request, sender);
    const { value: body, bytes } = await readSizedJsonBody(request);
    if (Array.isArray(body)) {
      throw new AppError("bad_request", "This endpoint takes one event; send arrays to /api/v1/lineage/batch.", [
        { path: "", message: "expected an object, got an array" },
      ]);
    }
    // Shares a transaction with the events other requests are sending now; answered once committed.
    const outcome = await ingestEvent(getStore(), body, { sender, bytes, arrival });
    if (outcome.status === "rejected") {
      return Response.json(errorBody("invalid_event", "The event is not a valid OpenLineage event.", outcome.errors), {
        status: 400,
      });
    }
    return Response.json(
      { status: outcome.status, seq: outcome.seq, warnings: outcome.warnings ?? [] },
      { status: outcome.status === "created" ? 201 : 200 },
    );
  } catch (error) {
    return toErrorResponse(error);
  } finally {
    arrival?.withdraw();
  }
}
