import { describe, expect, it } from "vitest";
import { intOptions } from "./stats";

describe("intOptions", () => {
  const defaults = { events: 2000, batchEvery: 5, maxRssMiB: 1024, dropRate: 0.03 };

  it("reads each named option from its kebab-case flag and keeps the defaults of the rest", () => {
    const options = intOptions(["--events", "300", "--batch-every=2", "--max-rss-mib", "512"], defaults, ["events", "batchEvery", "maxRssMiB"]);
    expect(options).toEqual({ events: 300, batchEvery: 2, maxRssMiB: 512, dropRate: 0.03 });
  });

  it("leaves options it was not told to read at their defaults, even when a flag names them", () => {
    expect(intOptions(["--drop-rate", "9"], defaults, ["events"])).toEqual(defaults);
  });

  it("refuses a value that is not a whole number, naming the flag", () => {
    expect(() => intOptions(["--batch-every", "1.5"], defaults, ["batchEvery"])).toThrow("--batch-every must be a whole number, got 1.5");
  });
});
