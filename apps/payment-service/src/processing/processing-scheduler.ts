import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@payhook/platform';
import { PAYMENT_CONFIG } from '../config';
import { scheduleProcessing } from '../store/processing-jobs';
import type { PaymentConfig } from '../config';

type Wake = () => void;

/**
 * Records when a payment's processing is due (a row, so it survives a crash) and nudges
 * the in-process worker at that time, so it need not poll often.
 */
@Injectable()
export class ProcessingScheduler {
  private wake: Wake = () => undefined;

  constructor(@Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig) {}

  onDue(wake: Wake): void {
    this.wake = wake;
  }

  async schedule(tx: Sql, paymentId: string): Promise<void> {
    const delayMs = this.config.PAYMENT_PROCESSING_DELAY_MS;
    await scheduleProcessing(tx, paymentId, delayMs);
    setTimeout(() => this.wake(), delayMs + 5).unref();
  }
}
