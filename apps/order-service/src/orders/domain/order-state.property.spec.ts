import type { PaymentSnapshot } from '@payhook/contracts';
import fc from 'fast-check';
import { applyPayment, type OrderPaymentState } from './order-state';

// One payment's webhooks, delivered in any order and any number of times, leave the
// order exactly where in-order, once-only delivery leaves it.
const STREAMS: Array<PaymentSnapshot['status'][]> = [
  ['processing', 'succeeded'],
  ['processing', 'failed'],
  ['processing', 'requires_capture', 'succeeded', 'partially_refunded', 'refunded'],
  ['processing', 'requires_capture', 'canceled'],
  ['processing', 'canceled'],
  ['processing', 'succeeded', 'partially_refunded', 'partially_refunded', 'refunded'],
];

function snapshot(status: PaymentSnapshot['status'], version: number): PaymentSnapshot {
  return {
    id: 'pay_p',
    orderId: 'ord_p',
    amount: 1000,
    currency: 'EUR',
    status,
    captureMethod: 'automatic',
    amountCaptured: 1000,
    amountRefunded: version * 10,
    failureCode: status === 'failed' ? 'card_declined' : null,
    metadata: {},
    version,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

function deliver(snapshots: PaymentSnapshot[]) {
  let order: OrderPaymentState & { failureCode: string | null; amountRefunded: number } = {
    status: 'pending_payment',
    paymentVersion: 0,
    failureCode: null,
    amountRefunded: 0,
  };
  for (const s of snapshots) {
    const applied = applyPayment(order, s);
    if (applied.changed) order = { ...applied };
  }
  return order;
}

describe('order state under reordered and duplicated webhooks', () => {
  it('ends where in-order delivery ends', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STREAMS),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (statuses, order, extra) => {
          const stream = statuses.map((status, i) => snapshot(status, i + 1));
          const inOrder = deliver(stream);
          // Every webhook at least once (at-least-once delivery), plus duplicates, in a shuffled order.
          const copies = [...stream, ...extra.map((n) => stream[n % stream.length])];
          const shuffled = copies
            .map((s, i) => ({ s, key: order[i % order.length] * 31 + i }))
            .sort((a, b) => a.key - b.key)
            .map(({ s }) => s);
          expect(deliver(shuffled)).toEqual(inOrder);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
