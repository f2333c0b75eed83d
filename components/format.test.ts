import { describe, expect, it } from "vitest";
import { formatRelative } from "./format";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const before = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe("formatRelative", () => {
  it("says how long ago in one relative form at every age, never switching to a date", () => {
    expect(formatRelative(before(20), NOW)).toBe("just now");
    expect(formatRelative(before(12 * 60), NOW)).toBe("12 min ago");
    expect(formatRelative(before(5 * 3600), NOW)).toBe("5 h ago");
    expect(formatRelative(before(47 * 3600), NOW)).toBe("47 h ago");
    expect(formatRelative(before(3 * 86400), NOW)).toBe("3 d ago");
    expect(formatRelative(before(47 * 86400), NOW)).toBe("47 d ago");
    expect(formatRelative(before(130 * 86400), NOW)).toBe("4 mo ago");
    expect(formatRelative(before(800 * 86400), NOW)).toBe("2 y ago");
  });

  it("says 'in' for a time ahead of the clock, and leaves a missing or unreadable time recognisable", () => {
    expect(formatRelative(new Date(NOW + 3 * 3600 * 1000).toISOString(), NOW)).toBe("in 3 h");
    expect(formatRelative(null, NOW)).toBe("—");
    expect(formatRelative("not a date", NOW)).toBe("not a date");
  });
});
