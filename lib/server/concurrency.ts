import "server-only";

/** At most `max` tasks at once, `maxQueued` waiting; `run` refuses beyond that. */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
  ) {}

  /** Runs `task` when a place is free; `{ ran: false }` (without running it) when the queue is full too. */
  async run<T>(task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) return { ran: false };
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { ran: true, value: await task() };
    } finally {
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so `running` never over-counts.
      if (next) next();
      else this.running--;
    }
  }
}
