import { requireAdmin } from "@/lib/server/auth";
import { setUserRole } from "@/lib/server/auth-users";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { RoleChangeSchema } from "@/lib/schemas/auth";
import { UserIdParamSchema } from "@/lib/schemas/query";

export const dynamic = "force-dynamic";

// PATCH /api/v1/users/<id> — change a person's role { role } (admin; never leaves nobody admin)
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const store = getStore();
    await requireAdmin(request, store);
    const { id } = UserIdParamSchema.parse(await params);
    const { role } = RoleChangeSchema.parse(await readJsonBody(request, { maxBytes: 1024 }));
    return Response.json({ user: await setUserRole(store, id, role) });
  } catch (error) {
    return toErrorResponse(error);
  }
}
