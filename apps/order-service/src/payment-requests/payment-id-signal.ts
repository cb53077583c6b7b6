import { Injectable } from '@nestjs/common';

/**
 * Tells a webhook that waits for its order's payment id that this process has just
 * recorded it, so the webhook is tried again at once rather than at the end of its wait.
 * A waiter leaves on the signal or its timeout: at most one entry per webhook waiting.
 * A wait also tells the recorder to hurry: the answers it records are off the webhook's
 * path, and spaced for that, until a webhook waits for one.
 */
@Injectable()
export class PaymentIdSignal {
  private readonly waiting = new Map<string, Set<() => void>>();
  private hurry?: () => void;

  /** `hurry` is called whenever a webhook starts to wait: the recorder's next flush should not be spaced. */
  onWait(hurry: () => void): void {
    this.hurry = hurry;
  }

  /** Resolves once `orderId`'s payment id is recorded here, or after `timeoutMs`. */
  wait(orderId: string, timeoutMs: number): Promise<void> {
    this.hurry?.();
    return new Promise((resolve) => {
      const waiters = this.waiting.get(orderId) ?? new Set<() => void>();
      this.waiting.set(orderId, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(orderId) === waiters) this.waiting.delete(orderId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }

  recorded(orderIds: string[]): void {
    for (const orderId of orderIds) for (const done of [...(this.waiting.get(orderId) ?? [])]) done();
  }
}
