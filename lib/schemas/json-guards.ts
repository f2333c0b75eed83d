import { formatPath, type PathSegment, type ValidationIssue } from "./issues";

/**
 * Shape guards run before any schema: they keep pathological input away from the validators, the
 * canonical JSON writer (recursive) and the database.
 */

/** Objects and arrays nested deeper than this are rejected (the root object is level 1). */
export const MAX_NESTING_DEPTH = 64;

/** Strings (values and keys) longer than this, in UTF-16 code units, are rejected. */
export const MAX_STRING_LENGTH = 1_000_000;

/**
 * Why a NUL character (U+0000) is refused anywhere in an event: PostgreSQL's text and JSON cannot
 * hold it, so the same event would be stored on SQLite and break its whole batch on PostgreSQL.
 */
const NUL_MESSAGE = "contains a NUL character (U+0000), which Threadline does not store";

/**
 * Why a lone surrogate (a `\uD800`–`\uDFFF` escape without its pair) is refused anywhere in an
 * event: it is not Unicode text, so neither database's text can hold it. A name holding one was
 * stored with U+FFFD in its place, another name than the event's, and two such names became one key.
 */
const LONE_SURROGATE_MESSAGE = "contains a lone surrogate (an unpaired \\uD800-\\uDFFF escape), which is not Unicode text and Threadline does not store";

/** At most this many issues are reported for one event; a last issue says how many were left out. */
export const MAX_ISSUES = 100;

/**
 * Checks that `value` is plain JSON data within the size limits: finite numbers, strings up to
 * MAX_STRING_LENGTH, plain objects and arrays nested at most MAX_NESTING_DEPTH deep (so a cyclic
 * structure is caught too). Returns one issue per offending value, with its path; a subtree that is
 * too deep is reported once and not entered.
 */
export function checkJsonShape(value: unknown, issues: ValidationIssue[] = []): ValidationIssue[] {
  // Paths are kept as a segment stack and formatted only when something is wrong: this walk visits
  // every value of every event, so it must not build strings on the happy path.
  walk(value, [], issues);
  return issues;
}

function walk(value: unknown, at: PathSegment[], issues: ValidationIssue[]): void {
  if (issues.length > MAX_ISSUES) return;
  switch (typeof value) {
    case "string":
      if (value.length > MAX_STRING_LENGTH) {
        issues.push({ path: formatPath(at), message: `is longer than ${MAX_STRING_LENGTH} characters` });
      } else if (value.includes("\u0000")) {
        issues.push({ path: formatPath(at), message: NUL_MESSAGE });
      } else if (!value.isWellFormed()) {
        issues.push({ path: formatPath(at), message: LONE_SURROGATE_MESSAGE });
      }
      return;
    case "number":
      if (!Number.isFinite(value)) issues.push({ path: formatPath(at), message: "must be a finite number" });
      return;
    case "boolean":
      return;
    case "object":
      break;
    default:
      issues.push({ path: formatPath(at), message: `is not a JSON value (${typeof value})` });
      return;
  }
  if (value === null) return;
  // `at.length` is the number of containers above this one, so this container sits at level at.length + 1.
  if (at.length + 1 > MAX_NESTING_DEPTH) {
    issues.push({ path: formatPath(at), message: `is nested deeper than ${MAX_NESTING_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      // A hole or undefined in an array would silently become null in JSON.
      if (value[i] === undefined) issues.push({ path: formatPath(at), message: "is not a JSON value (undefined)" });
      else walk(value[i], at, issues);
      at.pop();
    }
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    issues.push({ path: formatPath(at), message: "is not a JSON value (not a plain object)" });
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (key.length > MAX_STRING_LENGTH) {
      issues.push({ path: formatPath(at), message: `has a key longer than ${MAX_STRING_LENGTH} characters` });
      continue;
    }
    if (key.includes("\u0000")) {
      issues.push({ path: formatPath(at), message: `has a key that ${NUL_MESSAGE}` });
      continue;
    }
    if (!key.isWellFormed()) {
      issues.push({ path: formatPath(at), message: `has a key that ${LONE_SURROGATE_MESSAGE}` });
      continue;
    }
    // An undefined property is simply absent in JSON: not an error.
    if (child === undefined) continue;
    at.push(key);
    walk(child, at, issues);
    at.pop();
  }
}
