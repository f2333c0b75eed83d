"use client";

import { memo } from "react";
import { ROLES, type Role } from "@/lib/schemas/auth";
import { Field, inputClasses } from "@/components/ui/field";

const DESCRIPTIONS: Record<Role, string> = {
  viewer: "viewer — reads",
  editor: "editor — reads and writes",
  admin: "admin — also manages people",
};

/** A role picker: what a person or a key may do, each role said in words. */
export const RoleSelect = memo(function RoleSelect({
  value,
  onChange,
  label,
  id,
  disabled,
  testId,
}: {
  value: Role;
  onChange: (role: Role) => void;
  /** The accessible name when no visible label points at `id`. */
  label?: string;
  id?: string;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <select
      id={id}
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value as Role)}
      className={inputClasses}
      data-testid={testId}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {DESCRIPTIONS[role]}
        </option>
      ))}
    </select>
  );
});

/** A labelled role picker for a form that adds a person or a key; tests find it by its id. */
export function RoleField({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  return (
    <Field id={id} label="Role">
      <RoleSelect id={id} value={value} onChange={onChange} testId={id} />
    </Field>
  );
}
