import fc from 'fast-check';
import { decide, evolve, PaymentRuleError } from './decider';
import type { Payment, PaymentCommand, PaymentState } from './payment';

// Random command sequences against the decider: whatever is tried, in whatever order,
// a payment never reaches a state its rules forbid.
const NEXT: Record<Payment['status'], Payment['status'][]> = {
  processing: ['succeeded', 'requires_capture', 'failed', 'canceled'],
  requires_capture: ['succeeded', 'canceled'],
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  failed: [],
  canceled: [],
};

const cards = fc.constantFrom('4242424242424242', '4000000000000002', '4000000000009995');
const amount = fc.integer({ min: 1, max: 20_000 });
const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  fc.record({ type: fc.constant('complete_processing' as const) }),
  fc.record({ type: fc.constant('capture' as const), amount: fc.option(amount, { nil: undefined }) }),
  fc.record({ type: fc.constant('cancel' as const) }),
  fc.record({ type: fc.constant('refund' as const), refundId: fc.uuid(), amount: fc.option(amount, { nil: undefined }) }),
);

function invariants(payment: Payment): void {
  expect(payment.amountCaptured).toBeGreaterThanOrEqual(0);
  expect(payment.amountCaptured).toBeLessThanOrEqual(payment.amount);
  expect(payment.amountRefunded).toBeGreaterThanOrEqual(0);
  expect(payment.amountRefunded).toBeLessThanOrEqual(payment.amountCaptured);
  expect(payment.failureCode !== null).toBe(payment.status === 'failed');
  if (payment.status === 'refunded') expect(payment.amountRefunded).toBe(payment.amountCaptured);
  if (payment.status === 'partially_refunded') expect(payment.amountRefunded).toBeLessThan(payment.amountCaptured);
  if (['processing', 'requires_capture', 'failed', 'canceled'].includes(payment.status)) {
    expect(payment.amountCaptured).toBe(0);
  }
}

describe('the payment decider under random command sequences', () => {
  it('never reaches a forbidden state or transition', () => {
    fc.assert(
      fc.property(
        amount,
        cards,
        fc.constantFrom('automatic' as const, 'manual' as const),
        fc.array(command, { maxLength: 25 }),
        (total, card, captureMethod, commands) => {
          const created = decide(
            {
              type: 'create',
              data: { paymentId: 'pay_p', orderId: 'ord_p', amount: total, currency: 'EUR', paymentMethod: card, captureMethod, metadata: {} },
            },
            null,
          );
          let state: PaymentState = created.reduce<PaymentState>(evolve, null);
          for (const next of commands) {
            const before = state!;
            let events;
            try {
              events = decide(next, before);
            } catch (error) {
              // A refused command is a typed rule error and changes nothing.
              expect(error).toBeInstanceOf(PaymentRuleError);
              continue;
            }
            state = events.reduce<PaymentState>(evolve, before);
            const after = state!;
            if (after.status !== before.status) expect(NEXT[before.status]).toContain(after.status);
            invariants(after);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
