import type { Metadata } from "next";
import { headers } from "next/headers";
import { LineageExplorer, type PrefetchedView } from "@/components/lineage/lineage-explorer";
import { getStore } from "@/lib/server/db";
import { getStartingPoints } from "@/lib/server/catalog";
import { describeNodes } from "@/lib/server/lineage";
import { readLineageAnswer } from "@/lib/server/views";
import { nodeTitle } from "@/lib/lineage/node-title";
import { explorerApiUrls, isReadWithPage, parseViewQuery, readExplorerAddress, toSearchParams } from "@/lib/schemas/view-query";
import { requirePageReader } from "@/lib/server/auth-context";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The tab names the node in view ("models/binding-affinity-ft · Explorer"), so tabs and history tell views apart. */
export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  // Private reads: a node's name is store data too, so the title waits for a reader as the page does.
  await requirePageReader(getStore());
  const param = (await searchParams).node;
  const id = Array.isArray(param) ? param[0] : param;
  if (!id) return { title: "Explorer" };
  const [node] = await describeNodes(getStore(), [id]);
  return { title: node ? `${nodeTitle(node)} · Explorer` : "Explorer" };
}

/**
 * The first view's lineage, read here while the page renders, so the explorer draws it, framed, as
 * soon as it hydrates instead of asking the API only then (a round trip after the scripts load).
 * Each answer is exactly the API's for the address the explorer would ask (`explorerApiUrls`).
 * Only on a page load: a move inside the explorer (a selection, a new depth) is a client navigation,
 * whose graph the browser's cache or one API request provides; reading it here too would delay
 * every click by a second read. Views beyond the default budget (whose answer would hold the
 * page's first byte back and travel twice, in the HTML and the page's data; the browser asks for
 * them before it hydrates), views whose granularity the explorer first resolves, and views that
 * fail to read (a 404, a bad as-of) are left to the browser, which shows their errors as it always
 * does.
 */
async function prefetchFirstView(params: URLSearchParams): Promise<PrefetchedView[]> {
  // A browser marks a page load `Sec-Fetch-Dest: document`; the router's fetch of a client
  // navigation is `empty`. (Next hides its own RSC header from pages.) No header: read it.
  const destination = (await headers()).get("sec-fetch-dest");
  if (destination !== null && destination !== "document") return [];
  const address = readExplorerAddress(params);
  if ("problems" in address || !address.state.node) return [];
  const state = { ...address.state, node: address.state.node };
  if (!isReadWithPage(state)) return [];
  const urls = explorerApiUrls(state);
  const db = getStore();
  const views: PrefetchedView[] = [];
  for (const url of [urls.graph, ...urls.expansions]) {
    try {
      views.push({ url, data: await readLineageAnswer(db, parseViewQuery(new URL(url, "http://threadline").searchParams)) });
    } catch {
      if (url === urls.graph) return [];
    }
  }
  return views;
}

// The explorer reads its state from the address on the client (useSearchParams). No Suspense
// boundary of its own: the page is rendered per request, so nothing in it suspends, and a boundary
// would only hold the explorer back (React reveals streamed boundaries up to 300 ms after the
// shell paints) and put its markup in a hidden block where the first-frame script cannot measure it.
export default async function LineagePage({ searchParams }: { searchParams: SearchParams }) {
  // Private reads: 401 with the sign-in prompt when THREADLINE_READ_AUTH=on and nobody is signed in.
  await requirePageReader(getStore());
  const params = toSearchParams(await searchParams);
  // No node chosen: the start page suggests where to begin.
  const hasNode = !!(params.get("node") ?? params.get("nodeId"));
  const [prefetched, startingPoints, nonce] = await Promise.all([
    prefetchFirstView(params),
    hasNode ? null : getStartingPoints(getStore()),
    headers().then((h) => h.get("x-nonce") ?? undefined),
  ]);
  return <LineageExplorer prefetched={prefetched} startingPoints={startingPoints} nonce={nonce} />;
}
