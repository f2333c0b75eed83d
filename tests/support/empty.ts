// Stand-in for the `server-only` package under Vitest. The real one throws when imported outside
// a React Server Components build, which would make every lib/server module untestable.
export {};
