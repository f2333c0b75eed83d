import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { seededRandom as random } from "@/scripts/harness/random";
import { generateGenAiLineage } from "@/scripts/bench/lib/genai-lineage";
import { DatasetEventSchema, eventKindOf, hasEventShape, JobEventSchema, RunEventSchema } from "./openlineage";

/**
 * hasEventShape lets validateEvent skip zod for the events it accepts, so it must never accept what
 * zod refuses (then an invalid event would be stored, or its errors lost). It may refuse what zod
 * accepts: zod then decides, as before.
 */
const SCHEMAS = { RunEvent: RunEventSchema, DatasetEvent: DatasetEventSchema, JobEvent: JobEventSchema } as const;
const EVENTS_DIR = fileURLToPath(new URL("../../tests/fixtures/openlineage/events/", import.meta.url));

function validEvents(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const dir of ["compat-airflow", "marquez-test", "ol-fluentd-proxy"]) {
    for (const name of readdirSync(EVENTS_DIR + dir).filter((f) => f.endsWith(".json") && f !== "config.json").sort()) {
      events.push(JSON.parse(readFileSync(`${EVENTS_DIR}${dir}/${name}`, "utf8")) as Record<string, unknown>);
    }
  }
  let n = 0;
  for (const event of generateGenAiLineage({ targetEdges: 3_000, seed: 11 })) {
    events.push(event as unknown as Record<string, unknown>);
    if (++n >= 300) break;
  }
  return events;
}

const withSymbol = () => ({ ok: 1, [Symbol("s")]: 2 });
/** Values a producer (or an attacker) puts where a structural field belongs. */
const HOSTILE: (() => unknown)[] = [
  () => undefined, () => null, () => "", () => " ", () => 0, () => -0, () => Number.NaN, () => true, () => [], () => [{}], () => ({}),
  () => "START", () => "start", () => "COMPLETE", () => "DONE", () => "0190a1b2-0000-7000-8000-00000000000g",
  () => "0190a1b2-0000-7000-8000-000000000001", () => "0190A1B2-0000-7000-8000-000000000001 ",
  () => "2024-02-30T00:00:00Z", () => "2024-02-29T23:59:60Z", () => "2024-11-26T13:05:23.809Z", () => "2024-11-26 13:05:23Z",
  () => "2024-11-26T13:05:23+24:00", () => "2024-11-26T13:05:23", () => new Date(0), () => withSymbol(), () => Object.create(null), () => ({ constructor: () => 1 }), () => new (class Facets {})(), () => new Map(),
  () => ({ namespace: "n", name: "x" }), () => ({ namespace: "", name: "x" }), () => ({ namespace: "n" }), () => [{ namespace: "n", name: "x", facets: [] }],
  () => [{ namespace: "n", name: "x", inputFacets: withSymbol() }], () => [{ namespace: "n", name: "x", outputFacets: "f" }], () => [null], () => [[]],
];

/** Every path to a value at most four levels down, as keys. */
function pathsOf(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (at.length >= 4 || typeof value !== "object" || value === null) return out;
  for (const [key, child] of Object.entries(value)) pathsOf(child, [...at, Array.isArray(value) ? Number(key) : key], out);
  return out;
}

function mutate(event: Record<string, unknown>, next: () => number): Record<string, unknown> {
  const copy = structuredClone(event);
  const paths = pathsOf(copy);
  const times = 1 + Math.floor(next() * 3);
  for (let t = 0; t < times; t++) {
    // Structural fields more often than facet contents: that is where the schemas look.
    const structural = paths.filter((p) => p.length <= 3 && !p.includes("facets"));
    const pool = next() < 0.8 && structural.length > 0 ? structural : paths;
    const path = pool[Math.floor(next() * pool.length)];
    if (!path) continue;
    // An earlier mutation may have replaced an ancestor: then this path leads nowhere.
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = typeof parent === "object" && parent !== null ? (parent as Record<string | number, unknown>)[key] : undefined;
    if (typeof parent !== "object" || parent === null) continue;
    const last = path[path.length - 1]!;
    const target = parent as Record<string | number, unknown>;
    if (next() < 0.15 && !Array.isArray(target)) delete target[last];
    else target[last] = HOSTILE[Math.floor(next() * HOSTILE.length)]!();
  }
  // Fields of another kind, or missing ones.
  if (next() < 0.1) copy.eventType = HOSTILE[Math.floor(next() * HOSTILE.length)]!();
  if (next() < 0.05) copy.run = HOSTILE[Math.floor(next() * HOSTILE.length)]!();
  return copy;
}

describe("hasEventShape", () => {
  const events = validEvents();

  it("accepts every valid event of real producers and of the benchmark's world (so validation skips zod for them)", () => {
    for (const event of events) {
      const kind = eventKindOf(event)!;
      expect(SCHEMAS[kind].safeParse(event).success).toBe(true);
      expect(hasEventShape(kind, event)).toBe(true);
    }
  });

  it("never accepts an event the kind's zod schema refuses: 6,000 hostile mutations of valid events", () => {
    const next = random(2026);
    let refusedByZod = 0;
    for (let i = 0; i < 6_000; i++) {
      const event = mutate(events[Math.floor(next() * events.length)]!, next);
      const kind = eventKindOf(event);
      if (kind === null) continue;
      const isAccepted = SCHEMAS[kind].safeParse(event).success;
      if (!isAccepted) refusedByZod++;
      if (hasEventShape(kind, event) && !isAccepted) expect({ i, event, issues: SCHEMAS[kind].safeParse(event).error?.issues }).toBe("refused by zod, accepted by hasEventShape");
    }
    // The mutations must reach the schemas' refusals often, or the check above proves little.
    expect(refusedByZod).toBeGreaterThan(2_000);
  });
});
