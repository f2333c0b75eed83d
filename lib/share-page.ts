/**
 * Which pages belong to a share link (`/share/<token>` and what hangs below it, such as its
 * report): they render in their own minimal layout, with nothing that leads out of the snapshot.
 * The proxy marks such requests with this header for the root layout, which cannot see the path.
 */
export const SHARE_PAGE_HEADER = "x-threadline-share-page";

export function isSharePage(pathname: string): boolean {
  return /^\/share\/[^/]+(\/.*)?$/.test(pathname);
}
