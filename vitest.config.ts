// Unit and integration tests (Vitest). Playwright specs in tests/e2e run separately.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const rootDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      // Same as tsconfig's "@/*" paths; a regex so scoped packages ("@prisma/...") are untouched.
      { find: /^@\//, replacement: `${rootDir}/` },
      // lib/server modules start with `import "server-only"`, which throws outside Next's server build.
      { find: /^server-only$/, replacement: path.join(rootDir, "tests/support/empty.ts") },
    ],
  },
  test: {
    environment: "node",
    // Integration tests spawn CLIs and build stores; on a loaded two-core machine the default 5 s
    // fails them for no fault of the code. Speed is measured by `npm run bench`, not by timeouts.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
  },
});
