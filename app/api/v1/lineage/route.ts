import { getSqlite } from "@/lib/server/db";
import { AppError, errorBody, toErrorResponse } from "@/lib/server/errors";
import { authenticateWriter, intParam, readJsonBody } from "@/lib/server/http";
import { enforceWriteRateLimit } from "@/lib/server/rate-limit";
import { ingestEvents } from "@/lib/server/ingest";
import { resolveAsOf } from "@/lib/server/investigate-asof";
import { getLineage, MAX_DEPTH, MAX_NODES } from "@/lib/server/lineage";
import type { Direction } from "@/lib/lineage/types";

export const dynamic = "force-dynamic";

const DIRECTIONS: readonly Direction[] = ["upstream", "downstream", "both"];

// GET /api/v1/lineage — the neighbourhood of one node
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const nodeId = url.searchParams.get("nodeId");
    if (!nodeId) throw new AppError("bad_request", "nodeId is required.", [{ path: "nodeId", message: "required" }]);
    const direction = (url.searchParams.get("direction") ?? "both") as Direction;
    if (!DIRECTIONS.includes(direction)) {
      throw new AppError("bad_request", "direction must be upstream, downstream or both.", [
        { path: "direction", message: `unknown direction ${direction}` },
      ]);
    }
    const graph = getLineage(getSqlite(), {
      nodeId,
      direction,
      depth: intParam(url, "depth", 2, 0, MAX_DEPTH),
      limit: intParam(url, "limit", 500, 1, MAX_NODES),
      // asOf: an event seq, or an ISO time mapped to the last seq at or before it.
      asOfSeq: resolveAsOf(getSqlite(), url.searchParams.get("asOf"))?.seq,
    });
    return Response.json(graph);
  } catch (error) {
    return toErrorResponse(error);
  }
}

// POST /api/v1/lineage — one OpenLineage event (the OpenLineage HTTP transport's endpoint)
export async function POST(request: Request) {
  try {
    const sender = authenticateWriter(request);
    enforceWriteRateLimit(request, sender);
    const body = await readJsonBody(request);
    if (Array.isArray(body)) {
      throw new AppError("bad_request", "This endpoint takes one event; send arrays to /api/v1/lineage/batch.", [
        { path: "", message: "expected an object, got an array" },
      ]);
    }
    const [outcome] = ingestEvents(getSqlite(), [body], { sender });
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
  }
}
