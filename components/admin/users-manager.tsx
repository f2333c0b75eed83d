"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { sendJson } from "@/components/api-client";
import { inputClasses } from "@/components/auth/field";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { toRole, type Role } from "@/lib/schemas/auth";
import { RoleSelect } from "./role-select";

/** A person as GET /api/v1/users lists them. */
export interface UserRow {
  id: number;
  username: string;
  role: string;
}

/**
 * People who sign in: add one with a role, change anyone's role. The server refuses to demote the
 * last admin, and says so here.
 */
export function UsersManager({ users, currentUserId }: { users: UserRow[]; currentUserId: number }) {
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  async function run(action: () => Promise<unknown>, failure: string): Promise<boolean> {
    setIsBusy(true);
    setError(null);
    try {
      await action();
      router.refresh();
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : failure);
      return false;
    } finally {
      setIsBusy(false);
    }
  }

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const isAdded = await run(() => sendJson("POST", "/api/v1/users", { username: username.trim(), password, role }), "Could not add the person.");
    if (isAdded) {
      setUsername("");
      setPassword("");
    }
  }

  function changeRole(user: UserRow, next: Role) {
    void run(() => sendJson("PATCH", `/api/v1/users/${user.id}`, { role: next }), "Could not change the role.");
  }

  return (
    <Card>
      <CardHeader
        title="People"
        description="Who signs in, and what each may do: a viewer reads; an editor also writes lineage, flags and shares; an admin also manages people, keys and everyone's shares and flags."
      />
      <form onSubmit={onCreate} className="flex flex-wrap items-end gap-2 px-4 py-3" data-testid="user-create-form">
        <div className="min-w-[10rem] flex-1 space-y-1">
          <label htmlFor="user-name" className="block text-xs font-medium text-ink">
            Username
          </label>
          <input id="user-name" value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} autoComplete="off" className={inputClasses} data-testid="user-name" />
        </div>
        <div className="min-w-[10rem] flex-1 space-y-1">
          <label htmlFor="user-password" className="block text-xs font-medium text-ink">
            Password (10+ characters)
          </label>
          <input
            id="user-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={10}
            autoComplete="new-password"
            className={inputClasses}
            data-testid="user-password"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="user-role" className="block text-xs font-medium text-ink">
            Role
          </label>
          <RoleSelect id="user-role" value={role} onChange={setRole} testId="user-role" />
        </div>
        <Button type="submit" variant="primary" disabled={isBusy} data-testid="user-create">
          Add person
        </Button>
      </form>
      {error ? (
        <p role="alert" className="mx-4 mb-3 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      ) : null}
      <ul className="divide-y divide-line border-t border-line" data-testid="user-list">
        {users.map((user) => (
          <li key={user.id} className="flex flex-wrap items-center gap-3 px-4 py-2.5" data-testid="user-row" data-username={user.username} data-role={user.role}>
            <span className="min-w-0 flex-1 font-medium text-ink">
              {user.username}
              {user.id === currentUserId ? <span className="ml-2 text-xs font-normal text-ink-muted">(you)</span> : null}
            </span>
            <div className="w-64 max-w-full">
              <RoleSelect label={`Role of ${user.username}`} value={toRole(user.role)} disabled={isBusy} onChange={(next) => changeRole(user, next)} testId="user-role-select" />
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
