import { ImportError } from "./errors";
import type { Sink, SinkOutcome } from "./mlflow/import";

/**
 * A sink that sends events to a remote Threadline's batch API (`POST /api/v1/lineage/batch`), the
 * same door the OpenLineage HTTP transport uses, with an API key as a bearer token. A 429 is waited
 * out (Retry-After) and the batch sent again: the server's idempotency makes the retry safe.
 */

interface BatchResponse {
  results?: { index: number; status: SinkOutcome["status"]; errors?: SinkOutcome["errors"] }[];
  error?: { code?: string; message?: string };
}

export function httpSink(baseUrl: string, apiKey: string | undefined, options: { maxRetries?: number } = {}): Sink {
  const url = new URL("/api/v1/lineage/batch", baseUrl).href;
  const maxRetries = options.maxRetries ?? 5;
  return async (events) => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
          body: JSON.stringify(events),
        });
      } catch (error) {
        throw new ImportError(url, `cannot reach Threadline (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`);
      }
      if (response.status === 429 && attempt < maxRetries) {
        const wait = Number(response.headers.get("retry-after") ?? "1");
        await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(wait) ? wait : 1, 60) * 1000));
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as BatchResponse;
      if ((response.ok || response.status === 207 || response.status === 400) && Array.isArray(body.results)) {
        const outcomes: SinkOutcome[] = new Array(events.length);
        for (const r of body.results) outcomes[r.index] = { status: r.status, ...(r.errors ? { errors: r.errors } : {}) };
        return outcomes;
      }
      throw new ImportError(url, `Threadline answered ${response.status}${body.error?.message ? `: ${body.error.message}` : ""}`);
    }
  };
}
