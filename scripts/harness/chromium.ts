/**
 * How Threadline's browser tests and benchmarks launch Chromium: Debian's binary (Playwright never
 * downloads one here), without the sandbox (root) or the GPU, and without the background traffic
 * that floods a closed network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
