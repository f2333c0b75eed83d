// ESLint (flat config): only rules that catch real mistakes, not style. The hooks rules, Next's own
// rules, unused code, and the layer rules of docs/architecture.md ("Layers and who may import whom"),
// which nothing else enforces. `npm run lint` runs it; `npm test` runs `npm run lint`.
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Imports `lib/lineage` may not use: it is the pure domain core, with no framework and no I/O. */
const NOT_PURE = [
  { group: ["react", "react-dom", "react/*", "next", "next/*", "@xyflow/*"], message: "lib/lineage is the pure domain core: no framework (docs/architecture.md, Layers)." },
  { group: ["@prisma/*", "better-sqlite3", "pg", "server-only", "node:fs", "node:fs/*", "node:net", "node:http", "node:child_process", "fs", "child_process"], message: "lib/lineage is the pure domain core: no I/O (docs/architecture.md, Layers)." },
  { group: ["@/lib/server", "@/lib/server/*", "@/components/*", "@/app/*", "@/lib/config"], message: "lib/lineage imports nothing above it (docs/architecture.md, Layers)." },
];

/** Imports client components may not use: the database door, and configuration only the server reads. */
const NOT_CLIENT = [
  { group: ["@/lib/server", "@/lib/server/*", "@prisma/*", "better-sqlite3", "pg", "@/lib/config"], message: "components never import lib/server, the database or the server's configuration (docs/architecture.md, Layers)." },
  { group: ["@/app/*"], message: "components do not import app/ (docs/architecture.md, Layers)." },
];

/** Only app/ (routes, pages) and scripts/ obtain a database handle; services take the one they are given. */
const NO_HANDLE = {
  paths: [
    { name: "@/lib/server/db", importNames: ["getSqlite", "getPrisma", "getStore"], message: "Only app/ and scripts/ obtain a database handle; take it as a parameter (docs/architecture.md, Layers)." },
    { name: "./db", importNames: ["getSqlite", "getPrisma", "getStore"], message: "Only app/ and scripts/ obtain a database handle; take it as a parameter (docs/architecture.md, Layers)." },
  ],
};

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", "lib/server/generated/**", "test-results/**", "playwright-report/**", "reports/**", "data/**", "next-env.d.ts"] },
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { "@typescript-eslint": tseslint.plugin, "react-hooks": reactHooks, "@next/next": nextPlugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      // About the pages/ router's client-side navigation; Threadline has only app/, and its plain
      // <a> elements point at API answers and downloads, which must be full requests.
      "@next/next/no-html-link-for-pages": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  { files: ["lib/lineage/**/*.ts"], ignores: ["lib/lineage/**/*.test.ts"], rules: { "no-restricted-imports": ["error", { patterns: NOT_PURE }] } },
  { files: ["components/**/*.{ts,tsx}"], rules: { "no-restricted-imports": ["error", { patterns: NOT_CLIENT }] } },
  { files: ["lib/**/*.ts"], ignores: ["lib/lineage/**", "lib/**/*.test.ts"], rules: { "no-restricted-imports": ["error", NO_HANDLE] } },
);
