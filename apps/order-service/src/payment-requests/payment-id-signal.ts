import { Injectable } from '@nestjs/common';

/**
 * Tells a webhook that waits for its order's payment id that this process has just
 * recorded it, so the webhook is tried again at once rather than at the end of its wait.
 * A waiter leaves on the signal or its timeout: at most one entry per webhook waiting.
 * A wait also tells the recorder to hurry: the answers it records are off the webhook's
 * path, and spaced for that, until a webhook waits for one. The orders whose answer is in
 * and not recorded yet are known, so their webhooks wait before their first try, not after
 * failing it (at most one entry per answer being recorded).
 */
@Injectable()
export class PaymentIdSignal {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly answering = new Set<string>();
  private hurry?: () => void;

  /** The answer for these orders is in this process and is being recorded. */
  answered(orderIds: string[]): void {
    for (const orderId of orderIds) this.answering.add(orderId);
  }

  /**
   * Their answers' recording ended, whatever came of it: their webhooks waiting here try
   * again now (with the payment id if one was recorded; otherwise they fail and wait again).
   */
  settled(orderIds: string[]): void {
    for (const orderId of orderIds) this.answering.delete(orderId);
    this.recorded(orderIds);
  }

  /** Whether this order's answer is in and not recorded yet: its payment id may be moments away. */
  isRecording(orderId: string): boolean {
    return this.answering.has(orderId);
  }

  /** `hurry` is called whenever a webhook starts to wait: the recorder's next flush should not be spaced. */
  onWait(hurry: () => void): void {
    this.hurry = hurry;
  }

  /** Resolves once `orderId`'s payment id is recorded (here or by another instance), its answer's recording here ends, or after `timeoutMs`. */
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

  /** These orders' payment ids are recorded (here, or announced by another instance): their waiters go. */
  recorded(orderIds: string[]): void {
    for (const orderId of orderIds) for (const done of [...(this.waiting.get(orderId) ?? [])]) done();
  }
}
