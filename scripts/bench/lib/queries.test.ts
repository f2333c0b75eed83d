/**
 * The lineage API benchmark's passes on two servers in turn (measureQueriesInTurn): a figure and its
 * baseline must share the machine's moments, pass by pass, and each keep its own answers.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "./http-load";
import { measureQueries, measureQueriesInTurn, type QueryCase } from "./queries";

const CASE: QueryCase = { name: "3 hops", depth: 3, limit: 3, direction: "both" };
const FOCI = ["dataset:a", "dataset:b"];

/** Every request either server received, in the order they arrived. */
const arrivals: string[] = [];

/** A server answering each lineage request with `nodes` nodes (cut at the budget when `nodes` reaches it). */
function lineageServer(name: string, nodes: number): http.Server {
  return http.createServer((req, res) => {
    const focus = new URL(req.url!, "http://x").searchParams.get("nodeId");
    arrivals.push(`${name} ${focus}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ focus, nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}` })), edges: [], truncated: nodes >= CASE.limit }));
  });
}

const servers = [lineageServer("postgres", 3), lineageServer("sqlite", 2)];
const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("measureQueriesInTurn", () => {
  it("warms each server up, then runs the passes in turn, one pass on each before the next", async () => {
    arrivals.length = 0;
    const clients = servers.map((s) => createClient(urlOf(s), 1));
    const [onPostgres, onSqlite] = await measureQueriesInTurn(clients, FOCI, CASE, 2);
    for (const client of clients) client.close();

    const pass = (name: string) => FOCI.map((f) => `${name} ${f}`);
    expect(arrivals).toEqual([
      ...pass("postgres"), ...pass("sqlite"), // warm-up
      ...pass("postgres"), ...pass("sqlite"), // pass 1
      ...pass("postgres"), ...pass("sqlite"), // pass 2
    ]);
    // Each figure is its own server's: its answers, one summary a pass.
    expect(onPostgres).toMatchObject({ name: "3 hops", foci: 2, meanNodes: 3, truncatedShare: 1 });
    expect(onSqlite).toMatchObject({ name: "3 hops", foci: 2, meanNodes: 2, truncatedShare: 0 });
    expect(onPostgres!.passes).toHaveLength(2);
    expect(onSqlite!.passes.map((p) => p.n)).toEqual([FOCI.length, FOCI.length]);
  });

  it("is measureQueries for one server", async () => {
    arrivals.length = 0;
    const client = createClient(urlOf(servers[1]!), 1);
    const figure = await measureQueries(client, FOCI, CASE, 3);
    client.close();
    expect(arrivals).toHaveLength(FOCI.length * 4);
    expect(figure).toMatchObject({ foci: 2, meanNodes: 2, truncatedShare: 0 });
    expect(figure.passes).toHaveLength(3);
  });
});
