import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { inTurn, withExpensiveRead } from "./read-guard";

function from(address: string): Request {
  return new Request("http://threadline.test/api/v1/export/prov", { headers: { "x-forwarded-for": address } });
}

const slow = <T>(value: T, ms = 30) => () => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("withExpensiveRead", () => {
  it("runs one expensive read per client at a time and refuses a second with 429 and Retry-After", async () => {
    const first = withExpensiveRead(from("10.0.0.1"), slow("a"));
    const second = withExpensiveRead(from("10.0.0.1"), slow("b")).catch((error: unknown) => error);
    const other = withExpensiveRead(from("10.0.0.2"), slow("c"));
    expect(await first).toBe("a");
    expect(await other).toBe("c");
    const refused = await second;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).headers["Retry-After"]).toBe("2");
    // Once the first is done, the same client may read again.
    expect(await withExpensiveRead(from("10.0.0.1"), slow("d"))).toBe("d");
  });
});

describe("inTurn", () => {
  it("runs heavy reads one at a time, in arrival order", async () => {
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 10));
      log.push(`end ${name}`);
      return name;
    };
    expect(await Promise.all([inTurn(task("a")), inTurn(task("b")), inTurn(task("c"))])).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
});
