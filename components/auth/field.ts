/** Class names of a text input, so every form in the auth and share screens looks the same. */
export const inputClasses =
  "block w-full rounded-md border border-line bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-faint focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/30";
