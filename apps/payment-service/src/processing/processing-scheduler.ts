import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PAYMENT_CONFIG } from '../config';
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

  async schedule(manager: EntityManager, paymentId: string): Promise<void> {
    const delayMs = this.config.PAYMENT_PROCESSING_DELAY_MS;
    await manager.query(
      "INSERT INTO processing_jobs (payment_id, due_at) VALUES ($1, now() + $2 * interval '1 millisecond')",
      [paymentId, delayMs],
    );
    setTimeout(() => this.wake(), delayMs + 5).unref();
  }
}
