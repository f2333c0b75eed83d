import "server-only";
import { MAX_NESTING_DEPTH } from "@/lib/schemas/json-guards";

/**
 * Guards on the raw request body, run before JSON.parse.
 *
 * V8's JSON.parse does not overflow the stack on deep nesting, but it does spend time and memory in
 * proportion to it: a 16 MiB body of `[[[[…` (8 million levels) keeps one request on the CPU for
 * about six seconds, blocking every other request of the process. The per-event shape guard
 * (`checkJsonShape`) runs only after the parse, too late for that. This scan costs one pass over
 * the bytes with no allocation and stops at the first level beyond the limit.
 */

/**
 * The deepest a body may nest: an event may use MAX_NESTING_DEPTH levels (the event object is level
 * 1) and a batch wraps events in one more array. The exact per-event limit, with the path of the
 * offending value, is still enforced after parsing.
 */
export const MAX_BODY_NESTING = MAX_NESTING_DEPTH + 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The byte offset at which the JSON text in `bytes` first opens an object or array deeper than
 * `maxDepth` levels, or null when it never does. Brackets inside strings do not count. The text
 * need not be valid JSON (malformed text is left to JSON.parse to report); UTF-8 multi-byte
 * sequences never contain these ASCII bytes, so scanning bytes is exact.
 */
export function findExcessiveNesting(bytes: Uint8Array, maxDepth: number = MAX_BODY_NESTING): number | null {
  let depth = 0;
  let isInString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (isInString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) isInString = false;
      continue;
    }
    if (b === QUOTE) isInString = true;
    else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
      if (++depth > maxDepth) return i;
    } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
      if (depth > 0) depth--;
    }
  }
  return null;
}
