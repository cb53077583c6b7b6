import type { PaymentSnapshot } from '@payhook/contracts';
import { ApiError, type Transaction } from '@payhook/platform';
import { lockOrdersForPayment, writePaymentChanges, type HistoryEntry, type OrderPaymentRow, type PaymentChange } from '../store/orders';
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

/** A payment that cannot be applied yet: the 409 that asks its sender to try again. */
export interface RetryLater {
  result: 'retry_later';
  error: ApiError;
  /** The order's payment request is answered but its payment id not recorded yet (a matter of milliseconds, usually). */
  awaitsPaymentId?: boolean;
}

/** What applying a payment to a locked order comes to, before anything is written. */
type PaymentDecision = { result: 'mismatch'; reason: string } | { result: 'stale' } | { result: 'applied'; change: PaymentChange; statusChanged: boolean };

/** A payment to apply and where it came from. */
export interface PaymentToApply {
  payment: PaymentSnapshot;
  source: PaymentSource;
}

export type PaymentOutcome = ApplicationResult | RetryLater | { result: 'duplicate' };

/**
 * The rules every change of an order's payment state follows (pure): the payment must be
 * the order's own (id, amount, currency) and newer than the version applied. An order that
 * does not exist yet, or whose payment id is not recorded yet, is "retry later" (a 409); a
 * payment that is not the order's is a mismatch, recorded and nothing else.
 */
function decidePayment(order: OrderPaymentRow | undefined, payment: PaymentSnapshot): RetryLater | PaymentDecision {
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
 * Applies payments to their orders inside the caller's transaction: the one path by which
 * webhooks and reconciliation alike change an order's payment state. The orders are locked
 * in one statement, in id order, so two such transactions never deadlock. A payment whose
 * order is not ready is answered "retry later" and writes nothing. `admit` (the webhook
 * inbox) is asked once which of the ready ones are new; the others are duplicates. Payments
 * of the same order apply in list order, each against the state the one before left.
 * `commitWithWrite` commits with the write, for a caller that does nothing after it.
 */
export async function applyPayments(
  tx: Transaction,
  items: PaymentToApply[],
  options: { admit?: (ready: PaymentToApply[]) => Promise<Set<PaymentToApply>>; commitWithWrite?: boolean } = {},
): Promise<PaymentOutcome[]> {
  const { admit } = options;
  const orders = await lockOrdersForPayment(tx, items.map((item) => item.payment.orderId));
  // Readiness depends on what a payment changes nothing of (the order's existence, its payment id).
  const refusals = items.map((item) => {
    const decision = decidePayment(orders.get(item.payment.orderId), item.payment);
    return decision.result === 'retry_later' ? decision : undefined;
  });
  const ready = items.filter((_, i) => refusals[i] === undefined);
  const admitted = admit ? await admit(ready) : new Set(ready);
  const changes = new Map<string, PaymentChange>();
  const history: HistoryEntry[] = [];
  const outcomes = items.map((item, i): PaymentOutcome => {
    if (refusals[i]) return refusals[i];
    if (!admitted.has(item)) return { result: 'duplicate' };
    const { payment, source } = item;
    const order = orders.get(payment.orderId) as OrderPaymentRow;
    const decision = decidePayment(order, payment);
    const entry = { orderId: payment.orderId, eventId: source.eventId, webhookId: source.webhookId, paymentVersion: payment.version };
    switch (decision.result) {
      case 'retry_later':
        return decision;
      case 'stale':
        return { result: 'stale' };
      case 'mismatch':
        history.push({ ...entry, status: order.status, cause: 'payment_mismatch', detail: decision.reason });
        return { result: 'mismatch', reason: decision.reason };
      case 'applied':
        // The next payment of this order in the list is decided against this one's state.
        Object.assign(order, { status: decision.change.status, payment_version: decision.change.paymentVersion });
        changes.set(payment.orderId, decision.change);
        if (decision.statusChanged) {
          history.push({ ...entry, status: decision.change.status, cause: source.cause, detail: source.detail, paymentVersion: decision.change.paymentVersion });
        }
        return { result: 'applied', status: decision.change.status };
    }
  });
  const written = writePaymentChanges(tx, changes, history);
  // The write is the transaction's last statement: its commit can travel with it.
  await (options.commitWithWrite ? tx.commit(written) : written);
  return outcomes;
}
