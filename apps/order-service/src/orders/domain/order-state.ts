import type { PaymentSnapshot } from '@payhook/contracts';

export const ORDER_STATUSES = ['pending_payment', 'paid', 'payment_failed', 'partially_refunded', 'refunded', 'canceled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface LineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/** The order total in minor units. */
export function orderAmount(items: LineItem[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
}

/** The order status a payment in this state means. */
export function statusForPayment(payment: Pick<PaymentSnapshot, 'status'>): OrderStatus {
  switch (payment.status) {
    case 'processing':
    case 'requires_capture':
      return 'pending_payment';
    case 'succeeded':
      return 'paid';
    case 'failed':
      return 'payment_failed';
    case 'canceled':
      return 'canceled';
    case 'partially_refunded':
      return 'partially_refunded';
    case 'refunded':
      return 'refunded';
  }
}

export interface OrderPaymentState {
  status: OrderStatus;
  paymentVersion: number;
}

export type Applied =
  | { changed: true; status: OrderStatus; paymentVersion: number; failureCode: string | null; amountRefunded: number }
  | { changed: false; reason: 'stale' };

/** What an order knows of the payment it asked for. */
export interface OrderPaymentClaim {
  amount: number;
  currency: string;
  /** The payment payment-service created for this order, once its answer is recorded. */
  paymentId: string | null;
  /** A payment request for this order is still on its way (its answer not yet recorded). */
  requestOutstanding: boolean;
}

export type PaymentCheck = { belongs: true } | { belongs: false; retryLater: true } | { belongs: false; retryLater: false; reason: string };

/**
 * The check every consumer must make before applying a payment webhook: the payment is the
 * one this order asked for, for the order's amount and currency. A webhook that arrives
 * before the payment's id is recorded is answered "retry later"; anything else that does
 * not match never touches the order.
 */
export function checkPaymentBelongs(order: OrderPaymentClaim, payment: Pick<PaymentSnapshot, 'id' | 'amount' | 'currency'>): PaymentCheck {
  if (order.paymentId === null) {
    if (order.requestOutstanding) return { belongs: false, retryLater: true };
    return { belongs: false, retryLater: false, reason: `payment ${payment.id} was not requested by this order (it has no payment)` };
  }
  if (payment.id !== order.paymentId) {
    return { belongs: false, retryLater: false, reason: `payment ${payment.id} is not this order's payment (${order.paymentId})` };
  }
  if (payment.amount !== order.amount || payment.currency !== order.currency) {
    return {
      belongs: false,
      retryLater: false,
      reason: `payment ${payment.id} is for ${payment.amount} ${payment.currency}, the order for ${order.amount} ${order.currency}`,
    };
  }
  return { belongs: true };
}

/**
 * Applies a payment snapshot (carried by each webhook) to an order. Each snapshot is the
 * whole payment at its version, so applying only versions newer than the one applied
 * makes the final state the latest version's, whatever order the webhooks came in.
 */
export function applyPayment(order: OrderPaymentState, payment: PaymentSnapshot): Applied {
  if (payment.version <= order.paymentVersion) return { changed: false, reason: 'stale' };
  return {
    changed: true,
    status: statusForPayment(payment),
    paymentVersion: payment.version,
    failureCode: payment.failureCode,
    amountRefunded: payment.amountRefunded,
  };
}
