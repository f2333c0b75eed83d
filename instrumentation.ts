/**
 * Runs once when the server starts, before it answers a request: the configuration is parsed here
 * (lib/config.ts) so a bad value stops the server with the variable's name and a non-zero exit,
 * instead of surfacing as a 500 on the first request that reads it; and the server's own V8
 * settings are applied (lib/server/v8-settings.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  (await import("./lib/server/v8-settings")).applyServerV8Flags();
  const { ConfigError, getConfig } = await import("./lib/config");
  try {
    getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Threadline cannot start. ${error.message}`);
    process.exit(1);
  }
}
