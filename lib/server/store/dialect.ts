import "server-only";
import type { Dialect } from "./types";

export const sqliteDialect: Dialect = {
  backend: "sqlite",
  // SQLite's LIKE ignores ASCII case already.
  likeInsensitive: "LIKE",
};

export const postgresDialect: Dialect = {
  backend: "postgresql",
  likeInsensitive: "ILIKE",
};

/**
 * A LIKE pattern that matches `text` anywhere, its own `%`, `_` and `\` taken literally (use with
 * `ESCAPE '\'`, which both backends accept).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * `?` placeholders numbered `$1…$n` for PostgreSQL. Skips quoted strings and identifiers, so a
 * `?` inside a literal stays a character.
 */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = "";
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}
