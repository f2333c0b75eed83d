"use client";

import { useState } from "react";
import { Button } from "./button";

/**
 * Revokes one record after the person confirms `question` (what revoking it will do), and says so
 * while the request runs. `onRevoke` reports its own failure (useServerWrite).
 */
export function RevokeButton({ question, onRevoke, disabled, testId }: { question: string; onRevoke: () => Promise<unknown>; disabled?: boolean; testId?: string }) {
  const [isRevoking, setIsRevoking] = useState(false);

  async function onClick() {
    if (!window.confirm(question)) return;
    setIsRevoking(true);
    try {
      await onRevoke();
    } finally {
      setIsRevoking(false);
    }
  }

  return (
    <Button size="sm" variant="secondary" onClick={() => void onClick()} disabled={disabled || isRevoking} data-testid={testId}>
      {isRevoking ? "Revoking…" : "Revoke"}
    </Button>
  );
}
