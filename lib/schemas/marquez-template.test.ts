import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fillMarquezTemplate } from "./marquez-template";
import { validateEvent } from "./openlineage";

const TEMPLATE = readFileSync(
  fileURLToPath(new URL("../../tests/fixtures/openlineage/events/marquez-seed/metadata.template.json", import.meta.url)),
  "utf8",
);
const BASE = "2026-10-20T06:00:00.000Z";

interface SeedEvent {
  eventType: string;
  eventTime: string;
  run: { runId: string };
}

describe("fillMarquezTemplate", () => {
  const events = JSON.parse(fillMarquezTemplate(TEMPLATE, BASE)) as SeedEvent[];

  it("leaves no placeholder behind", () => {
    expect(fillMarquezTemplate(TEMPLATE, BASE)).not.toMatch(/\{\{/);
  });

  it("turns the Marquez seed into 26 valid RunEvents without warnings", () => {
    expect(events).toHaveLength(26);
    for (const event of events) {
      const result = validateEvent(event);
      expect(result.ok ? result.warnings : result.errors).toEqual([]);
      expect(result.ok && result.kind).toBe("RunEvent");
    }
  });

  it("starts every run at the base time and ends it the template's minutes later", () => {
    const starts = events.filter((e) => e.eventType === "START");
    expect(starts).toHaveLength(13);
    expect(new Set(starts.map((e) => e.eventTime))).toEqual(new Set([BASE]));
    const ends = events.filter((e) => e.eventType !== "START").map((e) => (Date.parse(e.eventTime) - Date.parse(BASE)) / 60_000);
    expect(ends.every((m) => m >= 5 && m <= 10 && Number.isInteger(m))).toBe(true);
  });

  it("accepts a Date or epoch milliseconds as the base time", () => {
    const text = '["{{RUN_START_TIME}}","{{RUN_END_TIME_AFTER_10_MINUTES}}"]';
    expect(JSON.parse(fillMarquezTemplate(text, new Date(0)))).toEqual(["1970-01-01T00:00:00.000Z", "1970-01-01T00:10:00.000Z"]);
    expect(fillMarquezTemplate(text, 0)).toBe(fillMarquezTemplate(text, new Date(0)));
  });

  it("throws on an unknown placeholder or an invalid base time", () => {
    expect(() => fillMarquezTemplate('"{{RUN_NEXT_WEEK}}"', BASE)).toThrow(/RUN_NEXT_WEEK/);
    expect(() => fillMarquezTemplate("[]", "not a time")).toThrow(/invalid base time/);
  });
});
