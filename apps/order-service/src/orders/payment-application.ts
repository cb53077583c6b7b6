import type { PaymentSnapshot } from '@payhook/contracts';
import { ApiError } from '@payhook/platform';
import type { Sql } from '@payhook/platform';
import { applyPaymentChange, lockOrderForPayment, noteOnOrder, type OrderPaymentRow } from '../store/orders';
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

/**
 * Applies what is known of a payment to its order, inside the caller's transaction: the
 * one path by which webhooks and reconciliation alike change an order's payment state.
 * The payment must be the order's own (id, amount, currency) and newer than the version
 * applied; a payment that is not the order's is recorded in its history and changes
 * nothing else. An order that does not exist yet, or whose payment id is not recorded
 * yet, is answered with a 409 ApiError ("retry later"). `locked` is the order's row lock
 * when the caller has already asked for it (pipelined with its own statement).
 */
export async function applyPaymentToOrder(tx: Sql, payment: PaymentSnapshot, source: PaymentSource, locked?: Promise<OrderPaymentRow | undefined>): Promise<ApplicationResult> {
  const order = await (locked ?? lockOrderForPayment(tx, payment.orderId));
  if (!order) throw new ApiError(409, 'order_not_found', `No order ${payment.orderId} (yet); retry later.`);
  const check = checkPaymentBelongs(
    { amount: order.amount, currency: order.currency, paymentId: order.payment_id, requestOutstanding: order.request_outstanding },
    payment,
  );
  if (!check.belongs && check.retryLater) {
    throw new ApiError(409, 'payment_not_recorded_yet', `The payment of order ${payment.orderId} is not recorded yet; retry later.`);
  }
  if (!check.belongs) {
    await noteOnOrder(tx, payment.orderId, { cause: 'payment_mismatch', detail: check.reason, eventId: source.eventId, webhookId: source.webhookId, paymentVersion: payment.version });
    return { result: 'mismatch', reason: check.reason };
  }
  const applied = applyPayment({ status: order.status, paymentVersion: order.payment_version }, payment);
  if (!applied.changed) return { result: 'stale' };
  await applyPaymentChange(tx, payment.orderId, applied, applied.status !== order.status, source);
  return { result: 'applied', status: applied.status };
}
