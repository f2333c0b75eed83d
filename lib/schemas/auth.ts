import { z } from "zod";

/** Bodies of the sign-in and API-key endpoints. */

export const SignInSchema = z.object({
  username: z.string().trim().min(1, "required").max(64),
  password: z.string().min(1, "required").max(1_024),
});

/**
 * What a person or an API key may do, from least to most: a `viewer` reads; an `editor` also writes
 * lineage, flags and shares; an `admin` also manages people, API keys and everyone's shares and flags.
 */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** A stored role; anything unknown counts as the least privilege, never as more. */
export function toRole(value: string): Role {
  return (ROLES as readonly string[]).includes(value) ? (value as Role) : "viewer";
}

/** True when `role` may do what `needed` may. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

const RoleSchema = z.enum(ROLES, { error: "one of viewer, editor, admin" });

export const ApiKeyCreateSchema = z.object({
  name: z.string().trim().min(1, "required").max(64),
  /** Keys write by default, as every key did before roles existed. */
  role: RoleSchema.default("editor"),
});

export const UserCreateSchema = z.object({
  username: z.string().trim().min(1, "required").max(64),
  password: z.string().min(1, "required").max(1_024),
  role: RoleSchema,
});

export const RoleChangeSchema = z.object({ role: RoleSchema });

/**
 * A stored role as the API answers it: viewer, editor or admin (a string, so that a hand-edited
 * row still lists; `toRole` reads it as the least privilege).
 */
const StoredRoleSchema = z.string();

/** A person as GET /api/v1/users lists them (never the password hash). */
export const UserSummarySchema = z.object({ id: z.number().int(), username: z.string(), role: StoredRoleSchema });
export type UserSummary = z.infer<typeof UserSummarySchema>;

/** An API key as GET /api/v1/keys lists it: never the secret, which only its creation answers. */
export const ApiKeySummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** The key's first characters, to tell keys apart. */
  prefix: z.string(),
  role: StoredRoleSchema,
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof ApiKeySummarySchema>;

/** Who the browser is signed in as, for the header and the admin pages. */
export interface SessionInfo {
  /** Protected mode: writes need credentials. */
  isProtected: boolean;
  /** Private reads (THREADLINE_READ_AUTH=on): reading needs a session or an API key too. */
  isReadProtected: boolean;
  user: { username: string; role: Role } | null;
}
