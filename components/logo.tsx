/** Threadline's mark: a thread passing through three nodes. */
export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path d="M3 17c4 0 4-10 9-10s5 10 9 10" stroke="var(--accent)" strokeWidth="2.2" strokeLinecap="round" />
      <circle cx="3" cy="17" r="2.2" fill="var(--kind-data)" />
      <circle cx="12" cy="7" r="2.2" fill="var(--kind-model)" />
      <circle cx="21" cy="17" r="2.2" fill="var(--kind-output)" />
    </svg>
  );
}
