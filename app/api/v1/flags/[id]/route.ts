import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getFlagImpact, removeFlag } from "@/lib/server/flags";
import { readJsonBody } from "@/lib/server/http";
import { requireWriter, requireReader } from "@/lib/server/auth";
import { DeleteFlagBodySchema } from "@/lib/schemas/investigate";
import { idFromRouteParam } from "@/lib/lineage/node-id";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

// GET /api/v1/flags/<id> — one flag and its impact: what it reaches downstream, counted and listed
export async function GET(request: Request, { params }: Context) {
  try {
    await requireReader(request, getStore());
    const { id } = await params;
    return Response.json(await getFlagImpact(getStore(), idFromRouteParam(id)));
  } catch (error) {
    return toErrorResponse(error);
  }
}

// DELETE /api/v1/flags/<id> — remove a flag; the removal is recorded (who, when, why), the flag is never deleted
export async function DELETE(request: Request, { params }: Context) {
  try {
    const writer = await requireWriter(request, getStore());
    const { id } = await params;
    const hasBody = (request.headers.get("content-length") ?? "0") !== "0" || request.headers.has("transfer-encoding");
    const body = hasBody ? DeleteFlagBodySchema.parse(await readJsonBody(request)) : {};
    return Response.json({ flag: await removeFlag(getStore(), { action: "remove", flagId: idFromRouteParam(id), ...body }, writer) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
