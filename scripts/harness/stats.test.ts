import { describe, expect, it } from "vitest";
import { median, percentile, summarise } from "./stats";

describe("percentile", () => {
  it("interpolates linearly between the closest ranks (rank p/100 * (n - 1))", () => {
    const samples = [10, 20, 30, 40];
    expect(percentile(samples, 0)).toBe(10);
    expect(percentile(samples, 50)).toBe(25);
    expect(percentile(samples, 95)).toBeCloseTo(38.5);
    expect(percentile(samples, 100)).toBe(40);
  });

  it("does not depend on the order of the samples", () => {
    expect(percentile([40, 10, 30, 20], 95)).toBe(percentile([10, 20, 30, 40], 95));
  });

  it("is NaN without samples, so an empty pass cannot pass for a fast one", () => {
    expect(percentile([], 95)).toBeNaN();
    expect(summarise([]).p95).toBeNaN();
  });

  it("gives the median and the summary from the same definition", () => {
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(summarise([1, 2, 3, 4])).toMatchObject({ n: 4, p50: 2.5, max: 4, mean: 2.5 });
  });
});
