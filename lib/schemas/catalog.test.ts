import { describe, expect, it } from "vitest";
import { CatalogQuerySchema, catalogHref } from "./catalog";

describe("CatalogQuerySchema", () => {
  it("fills in the defaults: everything, by name, page 1", () => {
    expect(CatalogQuerySchema.parse({})).toEqual({ type: "all", sort: "name", page: 1 });
    expect(CatalogQuerySchema.parse({ type: "", q: " ", page: "" })).toEqual({ type: "all", sort: "name", page: 1 });
  });

  it("names the field and the reason of a bad value", () => {
    const result = CatalogQuerySchema.safeParse({ type: "tables", page: "0" });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toContain("type: expected one of all, dataset, model, job");
    expect(issues).toContain("page: expected an integer from 1 to 100000, got 0");
  });
});

describe("catalogHref", () => {
  it("leaves defaults out and round-trips through the schema", () => {
    expect(catalogHref({ type: "all", sort: "name", page: 1 })).toBe("/catalog");
    const href = catalogHref({ type: "model", namespace: "mlflow://helix-bio", q: "binding", sort: "updated", page: 3 });
    const params = Object.fromEntries(new URL(href, "http://x").searchParams);
    expect(CatalogQuerySchema.parse(params)).toEqual({ type: "model", namespace: "mlflow://helix-bio", q: "binding", sort: "updated", page: 3 });
  });
});
