import { Inject, Injectable } from '@nestjs/common';
import { SPACING_MS, type Sql } from '@payhook/platform';
import { PAYMENT_CONFIG } from '../config';
import { scheduleProcessing } from '../store/processing-jobs';
import type { PaymentConfig } from '../config';

type Wake = () => void;

/**
 * Wakes are rounded up to ticks of this many milliseconds, one timer a tick: payments due
 * within the same tick are finished in one transaction instead of one each.
 */
const TICK_MS = SPACING_MS.offPath;

/**
 * Records when a payment's processing is due (a row, so it survives a crash) and nudges
 * the in-process worker at that time, so it need not poll often.
 */
@Injectable()
export class ProcessingScheduler {
  private wake: Wake = () => undefined;
  /** The ticks with a timer armed: at most one per tick of the longest delay (30,001 for 600 s). */
  private readonly armed = new Set<number>();

  constructor(@Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig) {}

  onDue(wake: Wake): void {
    this.wake = wake;
  }

  async schedule(tx: Sql, paymentId: string): Promise<void> {
    const delayMs = this.config.PAYMENT_PROCESSING_DELAY_MS;
    await scheduleProcessing(tx, paymentId, delayMs);
    // A few milliseconds past the due time, so the job is due by the database's clock too.
    const tick = Math.ceil((Date.now() + delayMs + 5) / TICK_MS) * TICK_MS;
    if (this.armed.has(tick)) return;
    this.armed.add(tick);
    setTimeout(() => {
      this.armed.delete(tick);
      this.wake();
    }, tick - Date.now()).unref();
  }
}
