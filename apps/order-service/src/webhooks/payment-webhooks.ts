import { Inject, Injectable } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { ApiError, Database, errorReason, isTransientError, Metrics, Quarantine, type Counter } from '@payhook/platform';
import { applyPaymentToOrder, type ApplicationResult } from '../orders/payment-application';
import { admitWebhook } from '../store/inbox';
import { lockOrderForPayment } from '../store/orders';

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
  /** Verified webhooks by result: applied, stale (not newer), mismatch (not the order's), duplicate or quarantined. */
  private readonly received: Counter<'result'>;

  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly quarantine: Quarantine,
    @Inject(Metrics) metrics: Metrics,
  ) {
    this.received = metrics.counter('payhook_webhooks_applied_total', 'Verified payment webhooks, by result (applied, stale, mismatch, duplicate, quarantined)', ['result']);
  }

  async apply(webhookId: string, event: PaymentEvent, rawBody: Buffer): Promise<WebhookResult> {
    try {
      const outcome = await this.applyOnce(webhookId, event);
      this.received.inc({ result: outcome.result });
      return outcome;
    } catch (error) {
      if (error instanceof ApiError || isTransientError(error)) throw error;
      return this.setAside(webhookId, errorReason(error), rawBody);
    }
  }

  async setAside(webhookId: string, reason: string, rawBody: Buffer): Promise<WebhookResult> {
    await this.quarantine.setAside({ worker: 'webhook-receiver', recordId: webhookId, reason, payload: rawBody });
    this.received.inc({ result: 'quarantined' });
    return { result: 'quarantined', reason };
  }

  private applyOnce(webhookId: string, event: PaymentEvent): Promise<WebhookResult> {
    const payment = event.data.object;
    return this.database.transaction(async (tx) => {
      // The inbox row and the order's lock are asked for together (one round trip); a copy
      // waits on the first's inbox row, then takes the lock for nothing and changes nothing.
      const admitted = admitWebhook(tx, webhookId, event.id);
      const locked = lockOrderForPayment(tx, payment.orderId);
      locked.catch(() => undefined); // its failure is the admission's, reported there
      if (!(await admitted)) return { result: 'duplicate' };
      return applyPaymentToOrder(tx, payment, { cause: event.type, eventId: event.id, webhookId }, locked);
    });
  }
}
