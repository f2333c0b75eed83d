import { redirect } from "next/navigation";
import { requirePageReader } from "@/lib/server/auth-context";
import { getStore } from "@/lib/server/db";

// /admin/keys — people, roles and API keys now share one page, /admin; old links still lead there
export default async function ApiKeysPage() {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  redirect("/admin");
}
