import { Inject, Injectable } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { ApiError, errorReason, isTransientError, Quarantine } from '@payhook/platform';
import { DataSource } from 'typeorm';
import { applyPayment, checkPaymentBelongs, type OrderStatus } from '../orders/domain/order-state';

export type WebhookResult =
  | { result: 'applied'; status: OrderStatus }
  | { result: 'duplicate' }
  | { result: 'stale' }
  | { result: 'mismatch'; reason: string }
  | { result: 'quarantined'; reason: string };

interface OrderRow {
  status: OrderStatus;
  payment_version: number;
  payment_id: string | null;
  amount: number;
  currency: string;
  request_outstanding: boolean;
}

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
      const [order]: OrderRow[] = await manager.query(
        `SELECT status, payment_version, payment_id, amount, currency,
           EXISTS (SELECT 1 FROM payment_requests r WHERE r.order_id = o.id) AS request_outstanding
         FROM orders o WHERE id = $1 FOR UPDATE`,
        [payment.orderId],
      );
      // Not ours yet (or never): non-2xx, so the dispatcher retries instead of dropping it.
      if (!order) throw new ApiError(409, 'order_not_found', `No order ${payment.orderId} (yet); retry later.`);
      const check = checkPaymentBelongs(
        { amount: order.amount, currency: order.currency, paymentId: order.payment_id, requestOutstanding: order.request_outstanding },
        payment,
      );
      if (!check.belongs && check.retryLater) {
        throw new ApiError(409, 'payment_not_recorded_yet', `The payment of order ${payment.orderId} is not recorded yet; retry later.`);
      }
      if (!check.belongs) {
        await manager.query(
          `INSERT INTO order_history (order_id, status, cause, detail, event_id, webhook_id, payment_version)
           VALUES ($1, $2, 'payment_mismatch', $3, $4, $5, $6)`,
          [payment.orderId, order.status, check.reason, event.id, webhookId, payment.version],
        );
        return { result: 'mismatch', reason: check.reason };
      }
      const applied = applyPayment({ status: order.status, paymentVersion: order.payment_version }, payment);
      if (!applied.changed) return { result: 'stale' };
      await manager.query(
        `UPDATE orders SET status = $2, payment_version = $3, failure_code = $4, amount_refunded = $5, updated_at = now() WHERE id = $1`,
        [payment.orderId, applied.status, applied.paymentVersion, applied.failureCode, applied.amountRefunded],
      );
      if (applied.status !== order.status) {
        await manager.query(
          'INSERT INTO order_history (order_id, status, cause, event_id, webhook_id, payment_version) VALUES ($1, $2, $3, $4, $5, $6)',
          [payment.orderId, applied.status, event.type, event.id, webhookId, payment.version],
        );
      }
      return { result: 'applied', status: applied.status };
    });
  }
}
