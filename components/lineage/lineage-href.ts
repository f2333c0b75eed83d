// The explorer's link builder lives with the explorer's address in lib/lineage/url-state.ts, where
// services can use it too; this name is kept for components that import it from here.
export { lineageHref } from "@/lib/lineage/url-state";
