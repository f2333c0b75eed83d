import { EmptyState } from "@/components/ui/empty-state";

/** The one answer for a link that opens nothing, whatever the reason: it reveals nothing either. */
export default function ShareNotFound() {
  return (
    <div className="mx-auto w-full max-w-lg px-6 py-16" data-testid="share-unavailable">
      <EmptyState title="This link does not open anything">
        <p>It may be mistyped, or it has expired or been revoked by the person who shared it. Ask them for a new link.</p>
      </EmptyState>
    </div>
  );
}
