import { describe, expect, it } from "vitest";
import { linkableUrl, safeRedirectPath } from "./safe-url";

describe("safeRedirectPath", () => {
  it("keeps a path on this site with its query and fragment", () => {
    expect(safeRedirectPath("/lineage?node=dataset%3Ans%3Aa&depth=2#panel")).toBe("/lineage?node=dataset%3Ans%3Aa&depth=2#panel");
    expect(safeRedirectPath("/")).toBe("/");
  });

  it.each([
    ["a tab browsers drop (/%09/evil.example/)", "/\t/evil.example/"],
    ["a newline browsers drop (/%0a/evil.example/)", "/\n/evil.example/"],
    ["a carriage return", "/\r/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash browsers read as a slash", "/\\evil.example"],
    ["an absolute URL", "https://evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "evil.example"],
    ["an empty value", ""],
    ["a NUL", "/\u0000//evil.example"],
    ["DEL", "/\u007f/evil.example"],
  ])("refuses %s", (_label, raw) => {
    expect(safeRedirectPath(raw)).toBe("/");
  });

  it("refuses a path that normalises to a protocol-relative URL", () => {
    expect(safeRedirectPath("/.//evil.example")).toBe("/");
  });

  it("takes the first of repeated parameters and falls back when absent", () => {
    expect(safeRedirectPath(["/audit", "//evil"])).toBe("/audit");
    expect(safeRedirectPath(undefined, "/home")).toBe("/home");
  });
});

describe("linkableUrl", () => {
  it("keeps absolute http(s) URLs", () => {
    expect(linkableUrl("https://github.com/org/repo/blob/main/train.py")).toBe("https://github.com/org/repo/blob/main/train.py");
    expect(linkableUrl("http://gitlab.internal/x")).toBe("http://gitlab.internal/x");
  });

  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "git@github.com:org/repo.git", "/relative", "", null])(
    "refuses %s",
    (raw) => {
      expect(linkableUrl(raw)).toBeNull();
    },
  );
});
