import type { PaymentSnapshot } from '@payhook/contracts';
import { ApiError } from '@payhook/platform';
import type { EntityManager } from 'typeorm';
import { applyPayment, checkPaymentBelongs, type OrderStatus } from './domain/order-state';

export type ApplicationResult =
  | { result: 'applied'; status: OrderStatus }
  | { result: 'stale' }
  | { result: 'mismatch'; reason: string };

/** Where a payment snapshot came from: a webhook (its event and webhook-id) or reconciliation. */
export interface PaymentSource {
  /** The history entry's cause when it changes the order: the event type, or 'reconciliation'. */
  cause: string;
  eventId: string | null;
  webhookId: string | null;
  detail?: string;
}

interface OrderRow {
  status: OrderStatus;
  payment_version: number;
  payment_id: string | null;
  amount: number;
  currency: string;
  request_outstanding: boolean;
}

/**
 * Applies what is known of a payment to its order, inside the caller's transaction: the
 * one path by which webhooks and reconciliation alike change an order's payment state.
 * The payment must be the order's own (id, amount, currency) and newer than the version
 * applied; a payment that is not the order's is recorded in its history and changes
 * nothing else. An order that does not exist yet, or whose payment id is not recorded
 * yet, is answered with a 409 ApiError ("retry later").
 */
export async function applyPaymentToOrder(manager: EntityManager, payment: PaymentSnapshot, source: PaymentSource): Promise<ApplicationResult> {
  const [order]: OrderRow[] = await manager.query(
    `SELECT status, payment_version, payment_id, amount, currency,
       EXISTS (SELECT 1 FROM payment_requests r WHERE r.order_id = o.id) AS request_outstanding
     FROM orders o WHERE id = $1 FOR UPDATE`,
    [payment.orderId],
  );
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
      [payment.orderId, order.status, check.reason, source.eventId, source.webhookId, payment.version],
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
      'INSERT INTO order_history (order_id, status, cause, detail, event_id, webhook_id, payment_version) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [payment.orderId, applied.status, source.cause, source.detail ?? null, source.eventId, source.webhookId, payment.version],
    );
  }
  return { result: 'applied', status: applied.status };
}
