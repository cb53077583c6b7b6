import { runIsolated } from './poison';

interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items added while a flush is running wait and go together in the next
 * one, so one transaction records many of them under load, and a lone item at rest is
 * flushed at once (no added latency). With `spacingMs`, flushes start at least that far
 * apart: under load each gathers what came in the meantime, so a steady stream of items
 * costs at most 1000 / spacingMs transactions a second, while an item at rest still goes
 * at once. Batches hold at most `maxBatch` items (default 500). `add` resolves when its
 * item's flush has committed, with what the flush returned for it (its result at the same index), and
 * rejects if that flush failed, so callers keep their at-least-once logic.
 * One bad item never fails its batch: a failed flush is split (runIsolated) until the
 * items that fail on their own are found, and only those are rejected, with their error;
 * an error that is not about the items (the database is away) rejects the whole batch.
 */
export class GroupCommit<T, R = void> {
  private waiting: Array<Waiter<T, R>> = [];
  private flushing = false;
  private lastFlushAt = -Infinity;
  /** Someone waits on what is queued: the next flush skips the spacing. */
  private hurried = false;
  private endSpacing?: () => void;
  private readonly maxBatch: number;
  private readonly spacingMs: number;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[] | void>,
    options: { maxBatch?: number; spacingMs?: number } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.spacingMs = options.spacingMs ?? 0;
  }

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  /**
   * Starts the next flush without waiting out the spacing (once): for a caller that waits
   * on an item not added yet or still queued, so the spacing's saving is not paid in its latency.
   */
  hurry(): void {
    this.hurried = true;
    this.endSpacing?.();
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const wait = this.lastFlushAt + this.spacingMs - performance.now();
        if (wait > 0 && !this.hurried && this.waiting.length < this.maxBatch) await this.space(wait);
        this.hurried = false;
        this.lastFlushAt = performance.now();
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await runIsolated(batch, {
            run: async (part) => {
              const results = await this.flush(part.map((w) => w.item));
              part.forEach((w, i) => w.resolve(results?.[i] as R));
            },
            setAside: async (w, _reason, error) => w.reject(error),
          });
        } catch (error) {
          // Rejecting an item already resolved is a no-op: only those not yet committed fail.
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private space(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endSpacing = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.endSpacing = end;
    });
  }
}
