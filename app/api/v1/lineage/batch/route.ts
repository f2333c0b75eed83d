import { getStore } from "@/lib/server/db";
import { getConfig } from "@/lib/config";
import { AppError, errorBody, toErrorResponse } from "@/lib/server/errors";
import { authenticateWriter, readJsonBody } from "@/lib/server/http";
import { enforceWriteRateLimit } from "@/lib/server/rate-limit";
import { ingestEvents, summarise } from "@/lib/server/ingest";
import { BatchBodySchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// POST /api/v1/lineage/batch — an array of events; each is stored or rejected on its own
export async function POST(request: Request) {
  try {
    const sender = await authenticateWriter(request, getStore());
    enforceWriteRateLimit(request, sender);
    const body = BatchBodySchema.parse(await readJsonBody(request));
    const max = getConfig().THREADLINE_MAX_BATCH_EVENTS;
    if (body.length > max) {
      throw new AppError("payload_too_large", `A batch may hold at most ${max} events; this one has ${body.length}.`);
    }
    const outcomes = await ingestEvents(getStore(), body, { sender });
    const counts = summarise(outcomes);
    const results = outcomes.map((o) => ({
      index: o.index,
      status: o.status,
      ...(o.seq !== undefined ? { seq: o.seq } : {}),
      ...(o.errors ? { errors: o.errors } : {}),
      ...(o.warnings?.length ? { warnings: o.warnings } : {}),
    }));
    if (body.length > 0 && counts.rejected === body.length) {
      const details = outcomes.flatMap((o) => (o.errors ?? []).map((e) => ({ path: `[${o.index}]${e.path ? "." + e.path : ""}`, message: e.message })));
      return Response.json({ ...errorBody("invalid_event", "No event in the batch is valid.", details), ...counts, results }, { status: 400 });
    }
    // 207 when some events were rejected: the body says which, by index.
    const status = counts.rejected > 0 ? 207 : counts.created > 0 ? 201 : 200;
    return Response.json({ ...counts, results }, { status });
  } catch (error) {
    return toErrorResponse(error);
  }
}
