import { describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH } from "@/lib/schemas/json-guards";
import { findExcessiveNesting, MAX_BODY_NESTING } from "./limits";

const bytes = (text: string) => Buffer.from(text, "utf8");
const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

describe("findExcessiveNesting", () => {
  it("allows an event at the per-event limit inside a batch array", () => {
    expect(MAX_BODY_NESTING).toBe(MAX_NESTING_DEPTH + 1);
    expect(findExcessiveNesting(bytes(nested(MAX_BODY_NESTING)))).toBeNull();
  });

  it("reports the offset of the first bracket one level beyond the limit", () => {
    expect(findExcessiveNesting(bytes(nested(MAX_BODY_NESTING + 1)))).toBe(MAX_BODY_NESTING);
    expect(findExcessiveNesting(bytes(`{"a":${"{\"b\":".repeat(70)}1${"}".repeat(71)}`), 10)).toBe(50);
  });

  it("does not count brackets inside strings, including after escaped quotes and backslashes", () => {
    expect(findExcessiveNesting(bytes(`{"a":"${"[".repeat(500)}"}`), 2)).toBeNull();
    expect(findExcessiveNesting(bytes(`["\\"[[[[", "\\\\", [[1]]]`), 3)).toBeNull();
    expect(findExcessiveNesting(bytes(`["\\\\", [[[1]]]]`), 3)).toBe(9);
  });

  it("counts depth, not the number of containers side by side", () => {
    expect(findExcessiveNesting(bytes(`[${"[],".repeat(100_000)}[]]`), 2)).toBeNull();
  });

  it("is not fooled by multi-byte UTF-8 or by malformed text", () => {
    expect(findExcessiveNesting(bytes(`["日本語 ✓ 🙂", ["é"]]`), 2)).toBeNull();
    expect(findExcessiveNesting(bytes("]]]]]][[["), 3)).toBeNull();
    expect(findExcessiveNesting(bytes("]]]]]][[[["), 3)).toBe(9);
  });

  it("rejects a 16 MiB body of brackets in a few milliseconds, long before JSON.parse would finish", () => {
    const body = Buffer.alloc(16 * 1024 * 1024, "[");
    const started = performance.now();
    expect(findExcessiveNesting(body)).toBe(MAX_BODY_NESTING);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("scans a 16 MiB body within the limit in well under a second", () => {
    const body = bytes(`[${'{"a":[1,2,{"b":"x"}]},'.repeat(700_000)}{}]`);
    const started = performance.now();
    expect(findExcessiveNesting(body)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
