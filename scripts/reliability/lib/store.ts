/** Read-only looks into a scenario's store file, and the project's own verify command on it. */
import Database from "better-sqlite3";
import { runScript } from "./server";

export interface StoreFacts {
  events: number;
  contentHashes: Set<string>;
  /** (runId, eventType) pairs stored more than once: a retried event stored twice would show here. */
  duplicateRunEvents: number;
}

export function readStore(dbFile: string): StoreFacts {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 10000");
    const hashes = db.prepare("SELECT contentHash FROM Event").pluck().all() as string[];
    const duplicates = db
      .prepare("SELECT COUNT(*) FROM (SELECT runId, eventType FROM Event WHERE runId IS NOT NULL GROUP BY runId, eventType HAVING COUNT(*) > 1)")
      .pluck()
      .get() as number;
    return { events: hashes.length, contentHashes: new Set(hashes), duplicateRunEvents: duplicates };
  } finally {
    db.close();
  }
}

export interface VerifyFacts {
  exitCode: number | null;
  isChainOk: boolean;
  isProjectionOk: boolean;
  checked: number;
  ms: number;
  output: string;
}

/** `npm run verify -- --json` on the store: hash chain and projection against a replay of the log. */
export function verifyStore(dbFile: string): VerifyFacts {
  const result = runScript("scripts/verify.ts", ["--json"], dbFile);
  let parsed: { chain?: { ok?: boolean; checked?: number }; projection?: { ok?: boolean } } = {};
  try {
    parsed = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}");
  } catch {
    // reported through exitCode and output
  }
  return {
    exitCode: result.status,
    isChainOk: parsed.chain?.ok === true,
    isProjectionOk: parsed.projection?.ok === true,
    checked: parsed.chain?.checked ?? 0,
    ms: Math.round(result.ms),
    output: (result.stdout + result.stderr).slice(-2000),
  };
}

/** verifyStore for a scenario's report: the verdict without the command's output, which is logged when it fails. */
export function verifyForReport(dbFile: string, log: (line: string) => void): Omit<VerifyFacts, "output"> {
  const { output, ...verdict } = verifyStore(dbFile);
  if (verdict.exitCode !== 0) log(output);
  return verdict;
}
