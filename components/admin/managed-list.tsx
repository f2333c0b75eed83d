"use client";

import type { FormEvent, Key, ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/error-message";
import { RecordTable, type RecordColumn, type RecordRowProps } from "@/components/ui/record-table";
import { formatDateTime } from "@/components/format";

/** The form that adds a record; absent when the person may only read the list. */
export interface AddForm {
  title: string;
  description: ReactNode;
  /** The fields (Field elements); the form adds its submit button. */
  fields: ReactNode;
  /** `row`: fields and button on one line, wrapping; `stack`: the fields' own grid, the button below. */
  layout: "row" | "stack";
  onSubmit: () => void;
  submitLabel: string;
  busyLabel: string;
  submitTestId: string;
  testId?: string;
  /** What the last addition produced (a key's secret shown once, a signer's key id). */
  result?: ReactNode;
}

/** The list of records, revoked ones included. */
export interface RecordList<T> {
  title: string;
  description: ReactNode;
  /** Said when there is none. */
  empty: ReactNode;
  rows: readonly T[];
  columns: readonly RecordColumn<T>[];
  rowKey: (row: T) => Key;
  rowProps?: (row: T) => RecordRowProps;
  testId: string;
}

/**
 * What the admin pages manage (people, API keys, producer keys): a card with the form that adds
 * one and the last write's result or error, and a card listing them with a row's actions (a role
 * to change, a revoke button). Writes go through useServerWrite, so `error` is the API's message.
 */
export function ManagedList<T>({ add, list, error, isBusy }: { add?: AddForm; list: RecordList<T>; error: string | null; isBusy: boolean }) {
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add?.onSubmit();
  }
  const errorMessage = error ? <ErrorMessage className={add ? "mx-4 mb-4" : "m-4"}>{error}</ErrorMessage> : null;

  return (
    <div className="space-y-6">
      {add ? (
        <Card>
          <CardHeader title={add.title} description={add.description} />
          <form onSubmit={onSubmit} className={add.layout === "row" ? "flex flex-wrap items-end gap-2 px-4 py-3" : "grid gap-3 px-4 py-3"} data-testid={add.testId}>
            {add.fields}
            <div>
              <Button type="submit" variant="primary" disabled={isBusy} data-testid={add.submitTestId}>
                {isBusy ? add.busyLabel : add.submitLabel}
              </Button>
            </div>
          </form>
          {add.result}
          {errorMessage}
        </Card>
      ) : null}

      <Card className="overflow-x-auto">
        <CardHeader title={list.title} description={list.description} />
        {add ? null : errorMessage}
        {list.rows.length === 0 ? (
          <p className="px-4 py-6 text-sm text-ink-muted">{list.empty}</p>
        ) : (
          <RecordTable rows={list.rows} columns={list.columns} rowKey={list.rowKey} rowProps={list.rowProps} testId={list.testId} />
        )}
      </Card>
    </div>
  );
}

/** A record that is revoked rather than deleted: it stays listed, with who revoked it and when. */
export interface Revocable {
  revokedAt: string | null;
  revokedBy: string | null;
}

/** The Status column of revocable records: active, or revoked (when and by whom). */
export function statusColumn<T extends Revocable>(): RecordColumn<T> {
  return {
    header: "Status",
    className: "whitespace-nowrap",
    cell: (record) =>
      record.revokedAt ? (
        <>
          <Badge tone="danger">revoked</Badge>
          <div className="mt-0.5 text-xs text-ink-muted">
            {formatDateTime(record.revokedAt)} by {record.revokedBy}
          </div>
        </>
      ) : (
        <Badge tone="success">active</Badge>
      ),
  };
}
