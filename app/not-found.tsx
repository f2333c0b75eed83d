import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";

// An address that leads nowhere (a mistyped link, a page that was removed) says so plainly.
export default function NotFound() {
  return (
    <EmptyState
      title="Page not found"
      action={
        <Link href="/" className={buttonClasses("secondary")}>
          Back to the overview
        </Link>
      }
    >
      <p>Nothing lives at this address. Search for a dataset, model or job by name with the box above (Ctrl K).</p>
    </EmptyState>
  );
}
