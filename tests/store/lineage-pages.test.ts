/**
 * A walk whose frontier holds several nodes with more edges than a page (1,000) reads them page
 * after page, each page starting after the last edge of the one before, in (source, target) order:
 * on PostgreSQL node by node, each node's index bounded at the cursor. Two runs with 700 inputs and
 * 700 outputs each, sharing one input and one output, make such frontiers in both directions; with
 * a budget that cuts nothing, the walk must answer every node within its depth and every edge read
 * from the nodes before the last hop, as a breadth-first search over the whole Edge table does.
 */
import { describe, expect, it } from "vitest";
import { ingestEvents } from "@/lib/server/ingest";
import { getLineage } from "@/lib/server/lineage";
import { runEvent } from "../support/db";
import { BACKENDS, testStoreFor } from "../support/stores";

const RUN = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`;
const WIDTH = 700;
const datasets = (prefix: string) => Array.from({ length: WIDTH }, (_, i) => ({ namespace: "s3://lake", name: `${prefix}-${i}` }));
const shared = { in: { namespace: "s3://lake", name: "shared-in" }, out: { namespace: "s3://lake", name: "shared-out" } };

describe.each(BACKENDS)("lineage pages on %s", (backend) => {
  const t = testStoreFor(backend, async () => {
    const events = [1, 2].map((n) =>
      runEvent({ runId: RUN(n), job: `job-${n}`, inputs: [shared.in, ...datasets(`in-${n}`)], outputs: [shared.out, ...datasets(`out-${n}`)] }),
    );
    const outcomes = await ingestEvents(t.store, events, { sender: "tests", receivedAt: "2026-11-24T00:00:00.000Z" });
    expect(outcomes.map((o) => o.status)).toEqual(["created", "created"]);
  });

  /** Breadth-first over every edge: the nodes within `depth` hops, and the edges leaving the nodes before the last hop. */
  async function reference(focusKey: string, direction: "upstream" | "downstream", depth: number) {
    const edges = await t.store.all<{ s: number; t: number }>(`SELECT "sourceId" AS "s", "targetId" AS "t" FROM "Edge"`);
    const keyOf = new Map((await t.store.all<{ id: number; key: string }>(`SELECT "id", "key" FROM "Node"`)).map((n) => [n.id, n.key]));
    const focus = [...keyOf].find(([, key]) => key === focusKey)![0];
    const [from, to] = direction === "downstream" ? (["s", "t"] as const) : (["t", "s"] as const);
    const reached = new Set([focus]);
    const kept: string[] = [];
    let frontier = [focus];
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      const inFrontier = new Set(frontier);
      const next: number[] = [];
      for (const e of edges.filter((e) => inFrontier.has(e[from]))) {
        kept.push(`${keyOf.get(e.s)}>${keyOf.get(e.t)}`);
        if (!reached.has(e[to])) reached.add(e[to]), next.push(e[to]);
      }
      frontier = next;
    }
    return { nodes: [...reached].map((id) => keyOf.get(id)!).sort(), edges: kept.sort() };
  }

  it.each([
    ["downstream", "shared-in"],
    ["upstream", "shared-out"],
  ] as const)("walks %s from %s through two runs' pages of edges", async (direction, name) => {
    const focus = (await t.store.get<{ key: string }>(`SELECT "key" FROM "Node" WHERE "type" = 'dataset' AND "name" = ?`, [name]))!.key;
    for (const depth of [2, 3, 4]) {
      const graph = await getLineage(t.store, { nodeId: focus, depth, direction, limit: 20_000 });
      const expected = await reference(focus, direction, depth);
      expect(graph.truncated).toBe(false);
      expect(graph.nodes.map((n) => n.id).sort()).toEqual(expected.nodes);
      expect(graph.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(expected.edges);
    }
    // Past the shared runs: both runs' 700 datasets on the far side are in.
    expect((await getLineage(t.store, { nodeId: focus, depth: 4, direction, limit: 20_000 })).nodes.length).toBeGreaterThan(2 * WIDTH);
  });
});
