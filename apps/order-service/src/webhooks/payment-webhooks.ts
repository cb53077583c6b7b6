import { Inject, Injectable } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { ApiError, errorReason, isTransientError, Quarantine } from '@payhook/platform';
import { DataSource } from 'typeorm';
import { applyPaymentToOrder, type ApplicationResult } from '../orders/payment-application';

export type WebhookResult = ApplicationResult | { result: 'duplicate' } | { result: 'quarantined'; reason: string };

/**
 * Applies a verified payment webhook exactly once: its webhook-id enters the inbox in
 * the same transaction as the order change. A duplicate, even one arriving at the same
 * moment (it waits on the inbox row), changes nothing. A payment that is not the order's
 * own (another id, amount or currency) is recorded in the order's history and changes
 * nothing else. A webhook that cannot be applied for a reason of its own is quarantined
 * with its bytes and answered 2xx: sending it again would fail the same way.
 */
@Injectable()
export class PaymentWebhooks {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly quarantine: Quarantine,
  ) {}

  async apply(webhookId: string, event: PaymentEvent, rawBody: Buffer): Promise<WebhookResult> {
    try {
      return await this.applyOnce(webhookId, event);
    } catch (error) {
      if (error instanceof ApiError || isTransientError(error)) throw error;
      return this.setAside(webhookId, errorReason(error), rawBody);
    }
  }

  async setAside(webhookId: string, reason: string, rawBody: Buffer): Promise<WebhookResult> {
    await this.quarantine.setAside({ worker: 'webhook-receiver', recordId: webhookId, reason, payload: rawBody });
    return { result: 'quarantined', reason };
  }

  private applyOnce(webhookId: string, event: PaymentEvent): Promise<WebhookResult> {
    const payment = event.data.object;
    return this.dataSource.transaction(async (manager) => {
      // xmax = 0 only on a fresh insert; a copy bumps the counter (and waits for the first's commit).
      const [{ fresh }]: Array<{ fresh: boolean }> = await manager.query(
        `INSERT INTO inbox (webhook_id, event_id) VALUES ($1, $2)
         ON CONFLICT (webhook_id) DO UPDATE SET duplicates = inbox.duplicates + 1 RETURNING (xmax = 0) AS fresh`,
        [webhookId, event.id],
      );
      if (!fresh) return { result: 'duplicate' };
      return applyPaymentToOrder(manager, payment, { cause: event.type, eventId: event.id, webhookId });
    });
  }
}
