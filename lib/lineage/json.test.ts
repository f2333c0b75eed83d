import { describe, expect, it } from "vitest";
import { isRecord, nonEmptyString } from "./json";

describe("isRecord", () => {
  it("accepts plain objects and refuses null, arrays and primitives", () => {
    expect(isRecord({ a: 1 })).toBe(true);
    expect([null, [], "x", 1].map(isRecord)).toEqual([false, false, false, false]);
  });
});

describe("nonEmptyString", () => {
  it("gives null for the empty string and for non-strings", () => {
    expect([nonEmptyString("x"), nonEmptyString(""), nonEmptyString(3)]).toEqual(["x", null, null]);
  });
});
