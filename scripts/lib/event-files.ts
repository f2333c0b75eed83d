/**
 * Reading OpenLineage events from files the way the OpenLineage file transport writes them:
 * `.json` (one event or an array), `.ndjson` / `.jsonl` (one event per line), folders
 * (recursively) and stdin. Every event keeps where it came from (`file:line`) for error reports.
 */
import fs from "node:fs";
import path from "node:path";

export interface SourcedEvent {
  /** `file:line` of the event's first character. */
  where: string;
  /** The parsed value, or the parse error when the text is not JSON. */
  value?: unknown;
  parseError?: string;
}

const EVENT_FILE = /\.(json|ndjson|jsonl)$/i;

/** Files an argument names: the file itself, or every event file below a folder, sorted. */
export function expandPath(arg: string): string[] {
  const stat = fs.statSync(arg);
  if (!stat.isDirectory()) return [arg];
  return fs
    .readdirSync(arg, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && EVENT_FILE.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The events in one text, by its format (ndjson when the name says so or when it is not one JSON value). */
export function parseEventText(text: string, name: string): SourcedEvent[] {
  const isLines = /\.(ndjson|jsonl)$/i.test(name);
  if (!isLines) {
    try {
      const value: unknown = JSON.parse(text);
      if (!Array.isArray(value)) return [{ where: `${name}:${firstLine(text)}`, value }];
      const lines = arrayElementLines(text);
      return value.map((v, i) => ({ where: `${name}:${lines[i] ?? 1}`, value: v }));
    } catch (error) {
      // stdin and unknown names may be NDJSON: fall through when there are several lines.
      if (name.endsWith(".json") || !text.includes("\n")) {
        return [{ where: `${name}:1`, parseError: (error as Error).message }];
      }
    }
  }
  const events: SourcedEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      events.push({ where: `${name}:${i + 1}`, value: JSON.parse(line) });
    } catch (error) {
      events.push({ where: `${name}:${i + 1}`, parseError: (error as Error).message });
    }
  });
  return events;
}

function firstLine(text: string): number {
  const at = text.search(/\S/);
  return at < 0 ? 1 : text.slice(0, at).split("\n").length;
}

/** The line on which each top-level element of a JSON array starts (strings skipped correctly). */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n") continue;
    if (depth === 1 && expectingElement && c !== "]") {
      lines.push(line);
      expectingElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectingElement = true;
  }
  return lines;
}
