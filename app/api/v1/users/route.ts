import { requireAdmin } from "@/lib/server/auth";
import { createUser, listUsers } from "@/lib/server/auth-users";
import { getStore } from "@/lib/server/db";
import { toErrorResponse } from "@/lib/server/errors";
import { readJsonBody } from "@/lib/server/http";
import { UserCreateSchema } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// GET /api/v1/users — everyone who signs in, with their role (admin)
export async function GET(request: Request) {
  try {
    const store = getStore();
    await requireAdmin(request, store);
    return Response.json({ users: await listUsers(store) }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}

// POST /api/v1/users — add a person { username, password, role } (admin)
export async function POST(request: Request) {
  try {
    const store = getStore();
    await requireAdmin(request, store);
    const { username, password, role } = UserCreateSchema.parse(await readJsonBody(request, { maxBytes: 8 * 1024 }));
    return Response.json({ user: await createUser(store, username, password, role) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error);
  }
}
