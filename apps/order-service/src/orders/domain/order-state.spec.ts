import type { PaymentSnapshot } from '@payhook/contracts';
import { applyPayment, checkPaymentBelongs, orderAmount, type OrderPaymentClaim, type OrderPaymentState } from './order-state';

const payment = (version: number, status: PaymentSnapshot['status'], extra: Partial<PaymentSnapshot> = {}): PaymentSnapshot => ({
  id: 'pay_1',
  orderId: 'ord_1',
  amount: 3000,
  currency: 'EUR',
  status,
  captureMethod: 'automatic',
  amountCaptured: status === 'processing' || status === 'failed' ? 0 : 3000,
  amountRefunded: 0,
  failureCode: null,
  metadata: {},
  version,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});

const fresh: OrderPaymentState = { status: 'pending_payment', paymentVersion: 0 };

function applyAll(snapshots: PaymentSnapshot[]): OrderPaymentState {
  return snapshots.reduce<OrderPaymentState>((order, snapshot) => {
    const applied = applyPayment(order, snapshot);
    return applied.changed ? { status: applied.status, paymentVersion: applied.paymentVersion } : order;
  }, fresh);
}

describe('orderAmount', () => {
  it('sums quantity × unit price', () => {
    expect(orderAmount([{ sku: 'a', quantity: 2, unitPrice: 1250 }, { sku: 'b', quantity: 1, unitPrice: 500 }])).toBe(3000);
  });
});

describe('applyPayment', () => {
  it.each([
    ['processing', 'pending_payment'],
    ['requires_capture', 'pending_payment'],
    ['succeeded', 'paid'],
    ['failed', 'payment_failed'],
    ['canceled', 'canceled'],
    ['partially_refunded', 'partially_refunded'],
    ['refunded', 'refunded'],
  ] as const)('a payment %s makes the order %s', (paymentStatus, orderStatus) => {
    expect(applyPayment(fresh, payment(2, paymentStatus))).toMatchObject({ changed: true, status: orderStatus, paymentVersion: 2 });
  });

  it('keeps the decline code of a failed payment', () => {
    expect(applyPayment(fresh, payment(2, 'failed', { failureCode: 'card_declined' }))).toMatchObject({ failureCode: 'card_declined' });
  });

  it('ignores a version older than, or equal to, the one applied', () => {
    const paid: OrderPaymentState = { status: 'paid', paymentVersion: 2 };
    expect(applyPayment(paid, payment(1, 'processing'))).toEqual({ changed: false, reason: 'stale' });
    expect(applyPayment(paid, payment(2, 'succeeded'))).toEqual({ changed: false, reason: 'stale' });
  });

  it('ends in the same state whatever the delivery order', () => {
    const stream = [payment(1, 'processing'), payment(2, 'succeeded'), payment(3, 'partially_refunded'), payment(4, 'refunded')];
    const inOrder = applyAll(stream);
    expect(inOrder).toEqual({ status: 'refunded', paymentVersion: 4 });
    expect(applyAll([...stream].reverse())).toEqual(inOrder);
    expect(applyAll([stream[2], stream[0], stream[3], stream[1], stream[3]])).toEqual(inOrder);
  });
});

describe('checkPaymentBelongs', () => {
  const order: OrderPaymentClaim = { amount: 3000, currency: 'EUR', paymentId: 'pay_1', requestOutstanding: false };

  it("accepts the order's own payment for its amount and currency", () => {
    expect(checkPaymentBelongs(order, payment(2, 'succeeded'))).toEqual({ belongs: true });
  });

  it.each([
    ['another payment naming the order', { id: 'pay_2' }, "payment pay_2 is not this order's payment (pay_1)"],
    ['another amount', { amount: 1 }, 'payment pay_1 is for 1 EUR, the order for 3000 EUR'],
    ['another currency', { currency: 'USD' }, 'payment pay_1 is for 3000 USD, the order for 3000 EUR'],
  ])('refuses %s', (_case, extra, reason) => {
    expect(checkPaymentBelongs(order, payment(2, 'succeeded', extra))).toEqual({ belongs: false, retryLater: false, reason });
  });

  it('asks for a retry while the payment request is still on its way', () => {
    expect(checkPaymentBelongs({ ...order, paymentId: null, requestOutstanding: true }, payment(1, 'processing'))).toEqual({ belongs: false, retryLater: true });
  });

  it('refuses a payment for an order that has none and asks for none', () => {
    expect(checkPaymentBelongs({ ...order, paymentId: null }, payment(2, 'succeeded'))).toMatchObject({ belongs: false, retryLater: false });
  });
});
