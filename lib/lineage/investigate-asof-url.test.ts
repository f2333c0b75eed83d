import { describe, expect, it } from "vitest";
import { buildExplorerQuery, parseExplorerState, recentre } from "./url-state";

describe("the explorer address carries asOf", () => {
  it("reads asOf, writes it back, and keeps it when re-centring", () => {
    const state = parseExplorerState(new URLSearchParams("node=job%3Aa%3Ab&asOf=2026-10-25T00%3A00%3A00Z"));
    expect(state.asOf).toBe("2026-10-25T00:00:00Z");
    expect(new URLSearchParams(buildExplorerQuery(state)).get("asOf")).toBe("2026-10-25T00:00:00Z");
    expect(recentre(state, "dataset:a:c").asOf).toBe("2026-10-25T00:00:00Z");
  });

  it("leaves asOf out when absent or empty: the view shows now", () => {
    expect(parseExplorerState(new URLSearchParams("node=job%3Aa%3Ab&asOf=")).asOf).toBeUndefined();
    expect(buildExplorerQuery(parseExplorerState(new URLSearchParams("node=job%3Aa%3Ab")))).not.toContain("asOf");
  });
});
