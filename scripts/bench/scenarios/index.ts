/**
 * Every benchmark scenario, in the order they run (and print, and list their targets). Layout first:
 * pure CPU, nothing else running. The scenarios that talk to the production server come after the
 * stores (they need the server-scale one) and the server's start, and before its memory readout.
 */
import type { Scenario } from "../scenario";
import { apiScenario } from "./api";
import { auditScenario } from "./audit";
import { browserScenario } from "./browser";
import { columnsScenario } from "./columns";
import { cliIngestScenario } from "./ingest";
import { layoutScenario } from "./layout";
import { mlflowScenario } from "./mlflow";
import { postScenario } from "./post";
import { postgresScenario } from "./postgres";
import { provenanceScenario } from "./provenance";
import { scaleScenario } from "./scale";
import { serverMemoryScenario, serverStartScenario } from "./server";
import { storesScenario } from "./stores";

export const SCENARIOS: readonly Scenario[] = [
  layoutScenario,
  columnsScenario,
  mlflowScenario,
  provenanceScenario,
  storesScenario,
  cliIngestScenario,
  serverStartScenario,
  apiScenario,
  auditScenario,
  browserScenario,
  postScenario,
  serverMemoryScenario,
  // Servers of its own on PostgreSQL, after the SQLite server is done with.
  postgresScenario,
  // The 10M-edge store, with a server of its own, once every other server is stopped.
  scaleScenario,
];
