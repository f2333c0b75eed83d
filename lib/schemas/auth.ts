import { z } from "zod";

/** Bodies of the sign-in and API-key endpoints. */

export const SignInSchema = z.object({
  username: z.string().trim().min(1, "required").max(64),
  password: z.string().min(1, "required").max(1_024),
});

export const ApiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, "required").max(64),
});

/** Who the browser is signed in as, for the header and the admin pages. */
export interface SessionInfo {
  /** Protected mode: writes need credentials. */
  isProtected: boolean;
  user: { username: string; role: string } | null;
}
