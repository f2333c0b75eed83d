"use client";

import { useState } from "react";
import { toRole, type Role, type UserSummary } from "@/lib/schemas/auth";
import { sendJson } from "@/components/api-client";
import { useServerWrite } from "@/components/use-server-write";
import { TextField } from "@/components/ui/field";
import type { RecordColumn } from "@/components/ui/record-table";
import { ManagedList } from "./managed-list";
import { RoleField, RoleSelect } from "./role-select";

/**
 * People who sign in: add one with a role, change anyone's role. The server refuses to demote the
 * last admin, and says so here.
 */
export function UsersManager({ users, currentUserId }: { users: UserSummary[]; currentUserId: number }) {
  const { error, isBusy, run } = useServerWrite();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  function add() {
    void run(
      () => sendJson("POST", "/api/v1/users", { username: username.trim(), password, role }),
      () => {
        setUsername("");
        setPassword("");
      },
    );
  }

  const columns: RecordColumn<UserSummary>[] = [
    {
      header: "Username",
      className: "font-medium text-ink",
      cell: (user) => (
        <>
          {user.username}
          {user.id === currentUserId ? <span className="ml-2 text-xs font-normal text-ink-muted">(you)</span> : null}
        </>
      ),
    },
    {
      header: "Role",
      className: "w-80",
      cell: (user) => (
        <RoleSelect
          label={`Role of ${user.username}`}
          value={toRole(user.role)}
          disabled={isBusy}
          onChange={(next) => void run(() => sendJson("PATCH", `/api/v1/users/${user.id}`, { role: next }))}
          testId="user-role-select"
        />
      ),
    },
  ];

  return (
    <ManagedList
      error={error}
      isBusy={isBusy}
      add={{
        title: "Add a person",
        description: "Who signs in, and what each may do: a viewer reads; an editor also writes lineage, flags and shares; an admin also manages people, keys and everyone's shares and flags.",
        layout: "row",
        onSubmit: add,
        submitLabel: "Add person",
        busyLabel: "Adding…",
        submitTestId: "user-create",
        testId: "user-create-form",
        fields: (
          <>
            <TextField id="user-name" label="Username" className="min-w-[10rem] flex-1" value={username} onValueChange={setUsername} required maxLength={64} autoComplete="off" />
            <TextField
              id="user-password"
              label="Password (10+ characters)"
              className="min-w-[10rem] flex-1"
              type="password"
              value={password}
              onValueChange={setPassword}
              required
              minLength={10}
              autoComplete="new-password"
            />
            <RoleField id="user-role" value={role} onChange={setRole} />
          </>
        ),
      }}
      list={{
        title: "People",
        description: "Everyone who signs in, with the role that holds from their next request.",
        empty: "Nobody signs in yet.",
        rows: users,
        columns,
        rowKey: (user) => user.id,
        rowProps: (user) => ({ "data-testid": "user-row", "data-username": user.username, "data-role": user.role }),
        testId: "user-list",
      }}
    />
  );
}
