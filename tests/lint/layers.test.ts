import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The lint step enforces the layers of docs/architecture.md and the hooks rules: code that breaks
 * them, linted as if it lived at a path in the tree (nothing is written), must fail.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function rulesBroken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

describe("layer rules", () => {
  it("lib/lineage imports no framework and no I/O", async () => {
    for (const source of ["react", "next/navigation", "@xyflow/react", "@prisma/client", "better-sqlite3", "node:fs", "@/lib/server/db", "@/components/api-client", "@/lib/config"]) {
      expect(await rulesBroken("lib/lineage/bad-import.ts", `import x from "${source}";\nexport const y = x;\n`), source).toContain("no-restricted-imports");
    }
    expect(await rulesBroken("lib/lineage/fine.ts", `import { nodeId } from "./node-id";\nexport const y = nodeId.run("r");\n`)).toEqual([]);
  });

  it("components never import lib/server, the database or the server's configuration", async () => {
    for (const source of ["@/lib/server/nodes", "@/lib/server/db", "@prisma/client", "better-sqlite3", "@/lib/config"]) {
      expect(await rulesBroken("components/lineage/bad-import.tsx", `import x from "${source}";\nexport const y = x;\n`), source).toContain("no-restricted-imports");
    }
    expect(await rulesBroken("components/lineage/fine.tsx", `import { nodeId } from "@/lib/lineage/node-id";\nexport const y = nodeId.run("r");\n`)).toEqual([]);
  });

  it("only app/ and scripts/ obtain a database handle; lib/server takes the one it is given", async () => {
    const obtain = `import { getSqlite } from "@/lib/server/db";\nexport const db = getSqlite();\n`;
    expect(await rulesBroken("lib/server/some-service.ts", obtain)).toContain("no-restricted-imports");
    expect(await rulesBroken("lib/server/some-service.ts", `import { getSqlite } from "./db";\nexport const db = getSqlite();\n`)).toContain("no-restricted-imports");
    expect(await rulesBroken("lib/server/some-service.ts", `import type { Sqlite } from "./db";\nexport function f(db: Sqlite) {\n  return db;\n}\n`)).toEqual([]);
    expect(await rulesBroken("app/api/v1/some/route.ts", obtain)).toEqual([]);
    expect(await rulesBroken("scripts/some-script.ts", obtain)).toEqual([]);
  });
});

describe("hooks rules", () => {
  it("a hook called conditionally fails", async () => {
    const code = `import { useState } from "react";\nexport function C({ on }: { on: boolean }) {\n  if (on) {\n    const [v] = useState(0);\n    return v;\n  }\n  return null;\n}\n`;
    expect(await rulesBroken("components/c.tsx", code)).toContain("react-hooks/rules-of-hooks");
  });

  it("an effect missing a dependency fails", async () => {
    const code = `import { useEffect } from "react";\nexport function C({ id }: { id: string }) {\n  useEffect(() => {\n    document.title = id;\n  }, []);\n  return null;\n}\n`;
    expect(await rulesBroken("components/c.tsx", code)).toContain("react-hooks/exhaustive-deps");
  });

  it("unused code fails", async () => {
    expect(await rulesBroken("lib/lineage/x.ts", `const unused = 1;\nexport const y = 2;\n`)).toContain("@typescript-eslint/no-unused-vars");
  });
});
