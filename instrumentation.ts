/**
 * Runs once when the server starts, before it answers a request: the configuration is parsed here
 * (lib/config.ts) so a bad value stops the server with the variable's name and a non-zero exit,
 * instead of surfacing as a 500 on the first request that reads it; the store is checked the same
 * way (lib/server/store-readiness.ts: a database that does not exist, migrations not applied); and
 * the server's own V8 settings are applied (lib/server/v8-settings.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  (await import("./lib/server/v8-settings")).applyServerV8Flags();
  const { ConfigError, getConfig } = await import("./lib/config");
  let config;
  try {
    config = getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Threadline cannot start. ${error.message}`);
    process.exit(1);
  }
  const { getStore } = await import("./lib/server/db");
  const { findStoreProblem } = await import("./lib/server/store-readiness");
  const problem = await findStoreProblem(getStore(), config.DATABASE_URL);
  if (problem?.kind === "unusable") {
    console.error(`Threadline cannot start. ${problem.message}`);
    process.exit(1);
  }
  if (problem) console.error(`Threadline: ${problem.message}; requests that need the store fail until it answers.`);
}
