import { Button } from "./button";

/** The × that closes a panel; `label` says what it closes, for screen readers. */
export function CloseButton({ label, onClick, testId }: { label: string; onClick: () => void; testId?: string }) {
  return (
    <Button variant="ghost" size="icon" onClick={onClick} aria-label={label} data-testid={testId}>
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M6 6l12 12M18 6 6 18" strokeLinecap="round" />
      </svg>
    </Button>
  );
}
