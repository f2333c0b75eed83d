import { expect, test } from "@playwright/test";
import { expectError, getJson, pathsOf } from "./support/api";

/**
 * Every route that takes input parses it with zod first: a bad value is a 400 `bad_request` whose
 * details name the parameter, never a 500 and never a silently different answer.
 */

const cases: [url: string, path: string][] = [
  ["/api/v1/search?q=x&limit=0", "limit"],
  ["/api/v1/search?limit=many", "limit"],
  ["/api/v1/audit/verify?maxAge=-1", "maxAge"],
  ["/api/v1/audit/verify?projection=perhaps", "projection"],
  ["/api/v1/audit/public-key?format=xml", "format"],
  ["/api/v1/audit/events/abc", "seq"],
  ["/api/v1/audit/events/0", "seq"],
  ["/api/v1/flags?includeRemoved=maybe", "includeRemoved"],
  ["/api/v1/investigate", "node"],
  ["/api/v1/investigate?node=%20", "node"],
  ["/api/v1/investigate/causes?nodeId=job:x:y&limit=501", "limit"],
  ["/api/v1/investigate/flags", "nodeId"],
  ["/api/v1/investigate/synthetic?nodeId=", "nodeId"],
  ["/api/v1/diff?b=datasetVersion:x:y:z", "a"],
];

for (const [url, path] of cases) {
  test(`GET ${url} is a 400 naming ${path}`, async ({ request }) => {
    const details = expectError(await getJson(request, url), 400, "bad_request");
    expect(pathsOf(details)).toContain(path);
  });
}

test("a batch that is not an array is a 400 saying so", async ({ request }) => {
  const response = await request.post("/api/v1/lineage/batch", { data: { not: "an array" } });
  expect(response.status()).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("bad_request");
  expect(body.error.message).toMatch(/array/);
});
