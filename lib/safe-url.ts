/**
 * URLs that come from outside (query parameters, events) and end up as links or redirects. Pure, no
 * imports: server pages and client components both use it.
 *
 * `safeRedirectPath`: where a link or redirect built from a query parameter (`/signin?next=…`) may
 * lead: only to a path on this site. Browsers forgive a lot in URLs: they drop tabs and newlines anywhere (`/%09/evil.example/` becomes
 * `//evil.example/`, a link to another host), read `\` as `/` (`/\evil`), and treat `//host` as a
 * host. So the value is refused when it holds any control character or backslash, then resolved
 * against a placeholder origin and kept only when it stays on that origin; what is returned is the
 * resolved path, query and fragment, never the raw text.
 */

const PLACEHOLDER_ORIGIN = "https://threadline.invalid";
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/** `raw` as a same-origin path (`/lineage?node=…`), or `fallback` when it could lead anywhere else. */
export function safeRedirectPath(raw: string | string[] | null | undefined, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || FORBIDDEN.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The resolved path must not itself read as a host to a browser (e.g. `/.//evil` normalises to `//evil`).
  return path.startsWith("//") ? fallback : path;
}

/**
 * `raw` when it is an absolute http(s) URL, else null. URLs from events (a job's source code
 * location) become links only through this: a `javascript:` or `data:` URL stays text.
 */
export function linkableUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
