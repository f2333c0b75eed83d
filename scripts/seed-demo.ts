/**
 * npm run db:seed — loads the demo through the same door as every event: the drug-discovery
 * pipeline (lib/demo) and real OpenLineage events emitted by Airflow, Marquez and others
 * (tests/fixtures/openlineage). Deterministic, so running it again changes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { buildDrugDiscoveryEvents } from "@/lib/demo/drug-discovery";
import { DEMO_SIGNER_NAME, DEMO_SIGNER_PUBLIC_KEY } from "@/lib/demo/provenance";
import { ANONYMOUS } from "@/lib/server/auth";
import { closeDatabase, getStore } from "@/lib/server/db";
import { registerSigner } from "@/lib/server/signers";
import { ingestEvents, summarise } from "@/lib/server/ingest";
import { fillMarquezTemplate } from "@/lib/schemas/marquez-template";

const FIXTURES = path.resolve("tests/fixtures/openlineage/events");
/** The Marquez seed's placeholders are filled relative to this fixed time, so reseeding is a no-op. */
const MARQUEZ_BASE_TIME = new Date("2026-10-20T06:00:00Z");

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function realProducerEvents(): unknown[] {
  const events: unknown[] = [];
  const airflow = path.join(FIXTURES, "compat-airflow");
  for (const name of fs.readdirSync(airflow).filter((n) => /^line_\d+\.json$/.test(n)).sort()) {
    events.push(readJson(path.join(airflow, name)));
  }
  const template = fs.readFileSync(path.join(FIXTURES, "marquez-seed/metadata.template.json"), "utf8");
  events.push(...(JSON.parse(fillMarquezTemplate(template, MARQUEZ_BASE_TIME)) as unknown[]));
  for (const file of ["marquez-test/event_dataset_event.json", "marquez-test/event_job_event.json", "ol-fluentd-proxy/event_full.json"]) {
    events.push(readJson(path.join(FIXTURES, file)));
  }
  return events;
}

const sets: [string, unknown[]][] = [
  ["drug-discovery demo pipeline", buildDrugDiscoveryEvents()],
  ["real OpenLineage events (Airflow, Marquez, full-facet)", realProducerEvents()],
];
let failed = false;
for (const [label, events] of sets) {
  const outcomes = await ingestEvents(getStore(), events, { sender: "demo" });
  const { created, duplicates, rejected } = summarise(outcomes);
  console.log(`${label}: ${events.length} events, ${created} stored, ${duplicates} already there, ${rejected} rejected`);
  for (const o of outcomes.filter((x) => x.status === "rejected")) {
    failed = true;
    console.error(`  event ${o.index}: ${o.errors?.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  }
}
// The demo's generation cluster signs its batches: register its key, so they read "verified".
const { created } = await registerSigner(getStore(), { name: DEMO_SIGNER_NAME, publicKey: DEMO_SIGNER_PUBLIC_KEY }, ANONYMOUS);
console.log(`producer key "${DEMO_SIGNER_NAME}": ${created ? "registered" : "already registered"}`);
await closeDatabase();
process.exit(failed ? 1 : 0);
