import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { addFlag, listFlags, removeFlag } from "@/lib/server/flags";
import { readJsonBody } from "@/lib/server/http";
import { requireWriter, requireReader } from "@/lib/server/auth";
import { AddFlagBodySchema, FlagListQuerySchema, RemoveFlagBodySchema, flagBodySchemaFor } from "@/lib/schemas/investigate";
import { queryOf } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// GET /api/v1/flags?node=<version id>&includeRemoved=true — flags, newest first
export async function GET(request: Request) {
  try {
    await requireReader(request, getStore());
    const { node, includeRemoved } = FlagListQuerySchema.parse(queryOf(request));
    return Response.json({ flags: await listFlags(getStore(), { node, includeRemoved }) });
  } catch (error) {
    return toErrorResponse(error);
  }
}

// POST /api/v1/flags — flag a dataset version ({ node, kind, severity, reason }) or remove a flag ({ action: "remove", flagId })
export async function POST(request: Request) {
  try {
    const writer = await requireWriter(request, getStore());
    const body = await readJsonBody(request);
    const schema = flagBodySchemaFor(body);
    const store = getStore();
    if (schema === RemoveFlagBodySchema) {
      return Response.json({ flag: await removeFlag(store, RemoveFlagBodySchema.parse(body), writer) });
    }
    return Response.json({ flag: await addFlag(store, AddFlagBodySchema.parse(body), writer) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error);
  }
}
