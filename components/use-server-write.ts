"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { errorMessage } from "@/components/api-client";

/**
 * A write from a page the server renders (admin lists, share links, flags): runs it, then refreshes
 * the page's server data so the page shows what the server now holds. A failure becomes `error`,
 * in the API's own words (ApiError), for the page to show; the page keeps what was typed.
 */
export function useServerWrite() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  /** Runs `write`; on success calls `onDone` with its answer, then refreshes. True when it succeeded. */
  const run = useCallback(
    async <T,>(write: () => Promise<T>, onDone?: (answer: T) => void): Promise<boolean> => {
      setIsBusy(true);
      setError(null);
      try {
        const answer = await write();
        onDone?.(answer);
        router.refresh();
        return true;
      } catch (caught) {
        setError(errorMessage(caught));
        return false;
      } finally {
        setIsBusy(false);
      }
    },
    [router],
  );

  return { error, isBusy, run, setError };
}
