import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { addressParam, canvasNodes, lineageUrl, nodeOnCanvas } from "./support/canvas";

/**
 * The explorer's columns view over the demo's real Airflow column-lineage events (GCS files ->
 * BigQuery upload -> upload_cp -> result.csv): toggle columns, click a field, read its source field
 * and transformation, the highlighted path and where it ends up; the address reproduces the view;
 * long schemas fold and filter; a schema change between two versions shows in Changes.
 */

const UPLOAD_CP = "dataset:bigquery:mock-project.test.upload_cp";
const field = (dataset: string, name: string) => `datasetField:${dataset.replace(/^dataset:/, "")}:${name}`;
const fieldRow = (page: Page, id: string) => page.locator(`[data-testid="field-row"][data-field-id="${id}"]`);

const PRODUCER = "https://github.com/threadline/tests/e2e";
const facet = (schemaURL: string, body: Record<string, unknown>) => ({ _producer: PRODUCER, _schemaURL: schemaURL, ...body });
const SCHEMA = "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json";

async function post(request: APIRequestContext, event: Record<string, unknown>) {
  const response = await request.post("/api/v1/lineage", { data: event });
  expect(response.status(), await response.text()).toBe(201);
}

function runEvent(ns: string, job: string, outputs: Record<string, unknown>[], time = new Date().toISOString()) {
  return {
    eventType: "COMPLETE",
    eventTime: time,
    run: { runId: randomUUID() },
    job: { namespace: ns, name: job },
    inputs: [],
    outputs,
    producer: PRODUCER,
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  };
}

test.describe("columns view", () => {
  test("toggle columns, click a field, read its source and transformation; the address reproduces the view", async ({ page }) => {
    await page.goto(lineageUrl(UPLOAD_CP, "&depth=2"));
    await expect(nodeOnCanvas(page, UPLOAD_CP)).toBeVisible();
    const before = (await canvasNodes(page)).find((n) => n.id === UPLOAD_CP)!;

    await page.getByTestId("columns-toggle").click();
    await expect(page.getByTestId("columns-toggle")).toHaveAttribute("aria-pressed", "true");
    await expect.poll(() => addressParam(page, "columns")).toBe("1");
    const node = nodeOnCanvas(page, UPLOAD_CP);
    await expect(node.getByTestId("field-row")).toHaveCount(4);
    await expect(node.getByTestId("field-row").first()).toContainText("INTEGER");
    await expect(node.getByTestId("field-lineage-mark")).toHaveCount(4);
    // The box grew with its fields, and the layout was given its real size: no two boxes overlap.
    await expect.poll(async () => (await canvasNodes(page)).find((n) => n.id === UPLOAD_CP)!.height).toBeGreaterThan(before.height + 60);
    const boxes = await canvasNodes(page);
    for (const a of boxes) for (const b of boxes) {
      if (a.id >= b.id) continue;
      const overlaps = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlaps, `${a.id} and ${b.id} overlap`).toBe(false);
    }

    await fieldRow(page, field(UPLOAD_CP, "b")).click();
    await expect.poll(() => addressParam(page, "field")).toBe(field(UPLOAD_CP, "b"));
    const panel = page.getByTestId("field-panel");
    await expect(panel.getByTestId("field-panel-title")).toHaveText("b");
    const source = panel.getByTestId("field-source");
    await expect(source).toHaveCount(1);
    await expect(source).toContainText("mock-project.test.upload.b");
    await expect(source.getByTestId("field-transformation")).toHaveText("IDENTITY");
    await expect(source.getByTestId("field-transformation-description")).toHaveText("identical");

    // The path lights b upstream and downstream and dims the other fields.
    await expect(fieldRow(page, field("dataset:bigquery:mock-project.test.upload", "b"))).toHaveAttribute("data-on-path", "true");
    await expect(fieldRow(page, field("dataset:gs://mock-bucket:result.csv", "b"))).toHaveAttribute("data-on-path", "true");
    await expect(fieldRow(page, field(UPLOAD_CP, "a"))).not.toHaveAttribute("data-on-path", "true");
    await expect(nodeOnCanvas(page, "job:airflow:BQ.download")).not.toHaveClass(/tl-node-dim/);

    // Where b ends up: result.csv's b, one hop on, and the CSV says the same.
    await expect(panel.getByTestId("impact-field")).toContainText(["result.csv.b"]);
    const download = page.waitForEvent("download");
    await panel.getByTestId("impact-csv").click();
    const csv = await (await download).createReadStream().then(async (stream) => {
      let text = "";
      for await (const chunk of stream) text += chunk;
      return text;
    });
    expect(csv.split("\r\n")[0]).toBe("kind,namespace,dataset,field,hops,via,id");
    expect(csv).toContain("field,gs://mock-bucket,result.csv,b,1,column,datasetField:gs://mock-bucket:result.csv:b");

    // The same address in a new page is the same view: columns open, b selected, its source shown.
    const again = await page.context().newPage();
    await again.goto(page.url());
    await expect(again.getByTestId("field-panel").getByTestId("field-source")).toContainText("mock-project.test.upload.b", { timeout: 30_000 });
    await expect(again.locator(`[data-testid="field-row"][data-field-id="${field("dataset:gs://mock-bucket:result.csv", "b")}"]`)).toHaveAttribute("data-on-path", "true");
    await again.close();

    // Columns off: the boxes are plain again and the address forgets the field.
    await page.getByTestId("columns-toggle").click();
    await expect(page.getByTestId("field-row")).toHaveCount(0);
    await expect.poll(() => addressParam(page, "columns")).toBeNull();
    expect(addressParam(page, "field")).toBeNull();
  });

  test("a long schema folds into 'N more' and filters inside the node", async ({ page, request }) => {
    const ns = `e2e-columns-${randomUUID().slice(0, 8)}`;
    const fields = Array.from({ length: 120 }, (_, i) => ({ name: i === 77 ? "dose_mg" : `feature_${String(i).padStart(3, "0")}`, type: "float" }));
    await post(request, runEvent(ns, "featurise", [{ namespace: ns, name: "wide", facets: { schema: facet(SCHEMA, { fields }) } }]));
    const wide = `dataset:${ns}:wide`;
    await page.goto(lineageUrl(wide, "&columns=1"));
    const node = nodeOnCanvas(page, wide);
    await expect(node.getByTestId("field-row")).toHaveCount(8);
    await expect(node.getByTestId("fields-more")).toHaveText("112 more fields");
    await node.getByTestId("field-filter").fill("dose");
    await expect(node.getByTestId("field-row")).toHaveCount(1);
    await expect(node.getByTestId("field-row")).toContainText("dose_mg");
    await node.getByTestId("field-filter").fill("");
    await node.getByTestId("fields-more").click();
    await expect(node.getByTestId("field-row")).toHaveCount(33);
    await expect(node.getByTestId("fields-more")).toHaveText("87 more fields");
  });

  test("Changes between two versions shows the added, removed and retyped fields", async ({ page, request }) => {
    const ns = `e2e-schema-${randomUUID().slice(0, 8)}`;
    const version = (v: string, fields: { name: string; type: string }[], time: string) =>
      runEvent(ns, "build-features", [
        { namespace: ns, name: "features", facets: { version: facet("https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json", { datasetVersion: v }), schema: facet(SCHEMA, { fields }) } },
      ], time);
    await post(request, version("v1", [{ name: "patient_id", type: "string" }, { name: "dose_mg", type: "float" }, { name: "site", type: "string" }], "2026-11-01T10:00:00Z"));
    await post(request, version("v2", [{ name: "patient_id", type: "string" }, { name: "dose_mg", type: "string" }, { name: "arm", type: "string" }], "2026-11-02T10:00:00Z"));
    const dataset = `dataset:${ns}:features`;
    await page.goto(lineageUrl(dataset, `&selected=${encodeURIComponent(dataset)}`));
    const changes = page.getByTestId("side-panel").getByTestId("section-changes");
    const latest = changes.locator('[data-testid="change-entry"]').first();
    // The details of a new node are read once the page is up: give a loaded machine its time.
    await expect(latest).toContainText("v2", { timeout: 30_000 });
    await expect(latest.getByTestId("schema-retyped")).toContainText("dose_mg");
    await expect(latest.getByTestId("schema-retyped")).toContainText("float");
    await expect(latest.getByTestId("schema-retyped")).toContainText("string");
    await expect(latest).toContainText("+ arm");
    await expect(latest).toContainText("− site");
    // The Schema section lists the latest version's fields with their types.
    const schema = page.getByTestId("side-panel").getByTestId("section-schema");
    await expect(schema.getByTestId("schema-field")).toHaveCount(3);
    await expect(schema.getByTestId("schema-field").nth(1)).toContainText("dose_mg");
    await expect(schema.getByTestId("schema-field").nth(1)).toContainText("string");
  });
});
