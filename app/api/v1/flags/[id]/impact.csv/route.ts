import { requireReader } from "@/lib/server/auth";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { getFlagImpact } from "@/lib/server/flags";
import { impactCsv } from "@/lib/lineage/flags";
import { idFromRouteParam } from "@/lib/lineage/node-id";

export const dynamic = "force-dynamic";

// GET /api/v1/flags/<id>/impact.csv — every node one flag reaches, one line each, for a spreadsheet
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    await requireReader(request, getStore());
    const { id } = await params;
    const { flag, summary } = await getFlagImpact(getStore(), idFromRouteParam(id));
    const file = `threadline-impact-${flag.flagId.replace(/[^\w.-]/g, "_")}.csv`;
    return new Response(impactCsv(flag, summary), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${file}"`,
      },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
