import { describe, expect, it } from "vitest";
import { edgeKey } from "./edge-key";

describe("edgeKey", () => {
  it("gives every edge a key of its own, as one number below 2^26 and a string from there on", () => {
    const ids = [0, 1, 2, 7, 2 ** 26 - 1, 2 ** 26, 2 ** 26 + 1, 2 ** 31 - 1];
    const keys = new Set<unknown>();
    for (const s of ids) for (const t of ids) keys.add(edgeKey(s, t));
    expect(keys.size).toBe(ids.length ** 2);
    expect(typeof edgeKey(2 ** 26 - 1, 2 ** 26 - 1)).toBe("number");
    expect(edgeKey(1, 2 ** 26)).toBe(`1>${2 ** 26}`);
    expect(edgeKey(2 ** 26, 0)).toBe(`${2 ** 26}>0`);
  });
});
