import { Inject, Injectable } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { ApiError } from '@payhook/platform';
import { DataSource } from 'typeorm';
import { applyPayment, type OrderStatus } from '../orders/domain/order-state';

export type WebhookResult = { result: 'applied'; status: OrderStatus } | { result: 'duplicate' } | { result: 'stale' };

/**
 * Applies a verified payment webhook exactly once: its webhook-id enters the inbox in
 * the same transaction as the order change. A duplicate, even one arriving at the same
 * moment (it waits on the inbox row), changes nothing.
 */
@Injectable()
export class PaymentWebhooks {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  apply(webhookId: string, event: PaymentEvent): Promise<WebhookResult> {
    const payment = event.data.object;
    return this.dataSource.transaction(async (manager) => {
      // xmax = 0 only on a fresh insert; a copy bumps the counter (and waits for the first's commit).
      const [{ fresh }]: Array<{ fresh: boolean }> = await manager.query(
        `INSERT INTO inbox (webhook_id, event_id) VALUES ($1, $2)
         ON CONFLICT (webhook_id) DO UPDATE SET duplicates = inbox.duplicates + 1 RETURNING (xmax = 0) AS fresh`,
        [webhookId, event.id],
      );
      if (!fresh) return { result: 'duplicate' };
      const [order]: Array<{ status: OrderStatus; payment_version: number }> = await manager.query(
        'SELECT status, payment_version FROM orders WHERE id = $1 FOR UPDATE',
        [payment.orderId],
      );
      // Not ours yet (or never): non-2xx, so the dispatcher retries instead of dropping it.
      if (!order) throw new ApiError(409, 'order_not_found', `No order ${payment.orderId} (yet); retry later.`);
      const applied = applyPayment({ status: order.status, paymentVersion: order.payment_version }, payment);
      if (!applied.changed) return { result: 'stale' };
      await manager.query(
        `UPDATE orders SET status = $2, payment_version = $3, failure_code = $4, amount_refunded = $5,
           payment_id = COALESCE(payment_id, $6), updated_at = now() WHERE id = $1`,
        [payment.orderId, applied.status, applied.paymentVersion, applied.failureCode, applied.amountRefunded, payment.id],
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
