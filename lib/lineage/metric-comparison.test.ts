import { describe, expect, it } from "vitest";
import { compareMetrics } from "./metric-comparison";

describe("compareMetrics", () => {
  it("lists every key either run logged, sorted, with the change from b to a", () => {
    expect(compareMetrics([{ key: "f1", value: 0.8 }, { key: "loss", value: 0.2 }], [{ key: "f1", value: 0.75 }, { key: "auc", value: 0.9 }])).toEqual([
      { key: "auc", a: null, b: 0.9, delta: null },
      { key: "f1", a: 0.8, b: 0.75, delta: expect.closeTo(0.05, 10) },
      { key: "loss", a: 0.2, b: null, delta: null },
    ]);
  });

  it("gives no change when a value is not a number (NaN logged)", () => {
    expect(compareMetrics([{ key: "f1", value: null }], [{ key: "f1", value: 0.5 }])).toEqual([{ key: "f1", a: null, b: 0.5, delta: null }]);
  });
});
