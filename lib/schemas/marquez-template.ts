/**
 * Marquez's demo seed (docker/metadata.json, the "food_delivery" pipeline) leaves its event times
 * as placeholders: `{{RUN_START_TIME}}` and `{{RUN_END_TIME_AFTER_<n>_MINUTES}}`. This fills them so
 * the seed becomes a list of valid OpenLineage events.
 */

const PLACEHOLDER = /\{\{\s*([A-Z0-9_]+)\s*\}\}/g;
const END_AFTER = /^RUN_END_TIME_AFTER_(\d+)_MINUTES$/;

/**
 * Replaces every placeholder in `text` with an ISO-8601 UTC time: RUN_START_TIME is `baseTime`,
 * RUN_END_TIME_AFTER_<n>_MINUTES is `baseTime` + n minutes. Returns the filled text (parse it with
 * JSON.parse). Throws on an invalid `baseTime` or an unknown placeholder, so a changed template
 * fails loudly instead of producing events that validation would reject one by one.
 */
export function fillMarquezTemplate(text: string, baseTime: Date | string | number): string {
  const base = new Date(baseTime).getTime();
  if (Number.isNaN(base)) throw new RangeError(`fillMarquezTemplate: invalid base time ${String(baseTime)}`);
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    if (name === "RUN_START_TIME") return new Date(base).toISOString();
    const after = END_AFTER.exec(name);
    if (after) return new Date(base + Number(after[1]) * 60_000).toISOString();
    throw new Error(`fillMarquezTemplate: unknown placeholder {{${name}}}`);
  });
}
