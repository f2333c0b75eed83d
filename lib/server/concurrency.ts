import "server-only";

interface Waiter {
  start: () => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * At most `max` tasks at once, `maxQueued` waiting, each waiting at most `maxWaitMs`; `run` refuses
 * beyond that. The wait bound is what keeps an answer quick on a slow machine: a queue counted in
 * tasks is seconds long when each task is slow, a queue bounded in time is not.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
    private readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {}

  /** Runs `task` when a place is free; `{ ran: false }` (without running it) when the queue is full or the wait too long. */
  async run<T>(task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueued) return { ran: false };
      const isStarted = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = { start: () => resolve(true), timer: null };
        if (Number.isFinite(this.maxWaitMs)) {
          waiter.timer = setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(waiter), 1);
            resolve(false);
          }, this.maxWaitMs);
        }
        this.waiting.push(waiter);
      });
      if (!isStarted) return { ran: false };
    } else {
      this.running++;
    }
    try {
      return { ran: true, value: await task() };
    } finally {
      const next = this.waiting.shift();
      // The place passes straight to the next waiter, so `running` never over-counts.
      if (next) {
        if (next.timer) clearTimeout(next.timer);
        next.start();
      } else {
        this.running--;
      }
    }
  }
}
