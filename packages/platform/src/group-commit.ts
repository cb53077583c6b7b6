/**
 * Group commit: items added while a flush is running wait and go together in the next
 * one, so one transaction records many of them under load, and a lone item at rest is
 * flushed at once (no timer, no added latency). `add` resolves when its item's flush has
 * committed and rejects if that flush failed, so callers keep their at-least-once logic.
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          await this.flush(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
