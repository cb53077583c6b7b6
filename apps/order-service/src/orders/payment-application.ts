import type { PaymentSnapshot } from '@payhook/contracts';
import { ApiError } from '@payhook/platform';
import type { Sql } from '@payhook/platform';
import { applyPaymentChange, lockOrderForPayment, noteOnOrder, type OrderPaymentRow, type PaymentChange } from '../store/orders';
import { applyPayment, checkPaymentBelongs } from './domain/order-state';
import type { OrderStatus } from './domain/order-state';

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

/** What applying a payment to a locked order comes to, before anything is written. */
export type PaymentDecision =
  /** `awaitsPaymentId`: the order's payment request is answered but not recorded yet (a matter of milliseconds, usually). */
  | { result: 'retry_later'; error: ApiError; awaitsPaymentId?: boolean }
  | { result: 'mismatch'; reason: string }
  | { result: 'stale' }
  | { result: 'applied'; change: PaymentChange; statusChanged: boolean };

/**
 * The rules every path that changes an order's payment state follows (pure): the payment
 * must be the order's own (id, amount, currency) and newer than the version applied. An
 * order that does not exist yet, or whose payment id is not recorded yet, is "retry later"
 * (a 409); a payment that is not the order's is a mismatch, recorded and nothing else.
 */
export function decidePayment(order: OrderPaymentRow | undefined, payment: PaymentSnapshot): PaymentDecision {
  if (!order) return { result: 'retry_later', error: new ApiError(409, 'order_not_found', `No order ${payment.orderId} (yet); retry later.`) };
  const check = checkPaymentBelongs(
    { amount: order.amount, currency: order.currency, paymentId: order.payment_id, requestOutstanding: order.request_outstanding },
    payment,
  );
  if (!check.belongs && check.retryLater) {
    return {
      result: 'retry_later',
      error: new ApiError(409, 'payment_not_recorded_yet', `The payment of order ${payment.orderId} is not recorded yet; retry later.`),
      awaitsPaymentId: true,
    };
  }
  if (!check.belongs) return { result: 'mismatch', reason: check.reason };
  const applied = applyPayment({ status: order.status, paymentVersion: order.payment_version }, payment);
  if (!applied.changed) return { result: 'stale' };
  const { changed: _changed, ...change } = applied;
  return { result: 'applied', change, statusChanged: applied.status !== order.status };
}

/**
 * Writes a decision to its locked order, inside the caller's transaction: a mismatch as a
 * history note, a newer payment as the order's new state. "Retry later" writes nothing
 * and throws its 409 ApiError.
 */
export async function writePaymentDecision(tx: Sql, payment: PaymentSnapshot, decision: PaymentDecision, source: PaymentSource): Promise<ApplicationResult> {
  switch (decision.result) {
    case 'retry_later':
      throw decision.error;
    case 'mismatch':
      await noteOnOrder(tx, payment.orderId, { cause: 'payment_mismatch', detail: decision.reason, eventId: source.eventId, webhookId: source.webhookId, paymentVersion: payment.version });
      return { result: 'mismatch', reason: decision.reason };
    case 'stale':
      return { result: 'stale' };
    case 'applied':
      await applyPaymentChange(tx, payment.orderId, decision.change, decision.statusChanged, source);
      return { result: 'applied', status: decision.change.status };
  }
}

/** Locks the payment's order and applies the payment to it: reconciliation's one-order path. */
export async function applyPaymentToOrder(tx: Sql, payment: PaymentSnapshot, source: PaymentSource): Promise<ApplicationResult> {
  const order = await lockOrderForPayment(tx, payment.orderId);
  return writePaymentDecision(tx, payment, decidePayment(order, payment), source);
}
