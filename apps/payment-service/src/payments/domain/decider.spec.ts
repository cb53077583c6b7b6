import { decide, fold, PaymentRuleError } from './decider';
import type { PaymentCommand, PaymentEvent } from './payment';

// given(events).when(command).then(events) — every rule of the payment decider.
function given(events: PaymentEvent[]) {
  return {
    when(command: PaymentCommand) {
      const run = () => decide(command, fold(events));
      return {
        then: (expected: PaymentEvent[]) => expect(run()).toEqual(expected),
        thenRefused: (kind: PaymentRuleError['kind'], code: string) => {
          expect(run).toThrow(PaymentRuleError);
          try {
            run();
          } catch (error) {
            expect({ kind: (error as PaymentRuleError).kind, code: (error as PaymentRuleError).code }).toEqual({ kind, code });
          }
        },
      };
    },
  };
}

const createData = (paymentMethod = '4242424242424242', captureMethod: 'automatic' | 'manual' = 'automatic') => ({
  paymentId: 'pay_1',
  orderId: 'ord_1',
  amount: 1000,
  currency: 'EUR',
  paymentMethod,
  captureMethod,
  metadata: {},
});
const created = (paymentMethod?: string, captureMethod?: 'automatic' | 'manual'): PaymentEvent => ({
  type: 'payment.created',
  data: createData(paymentMethod, captureMethod),
});
const succeeded = (amountCaptured = 1000): PaymentEvent => ({ type: 'payment.succeeded', data: { amountCaptured } });
const requiresCapture: PaymentEvent = { type: 'payment.requires_capture', data: {} };
const failed = (failureCode: string): PaymentEvent => ({ type: 'payment.failed', data: { failureCode } });
const canceled: PaymentEvent = { type: 'payment.canceled', data: {} };
const refunded = (amount: number, refundId = 're_1'): PaymentEvent => ({ type: 'payment.refunded', data: { refundId, amount } });

describe('payment decider', () => {
  describe('create', () => {
    it('creates a new payment', () => {
      given([]).when({ type: 'create', data: createData() }).then([created()]);
    });

    it('refuses to create a payment twice', () => {
      given([created()]).when({ type: 'create', data: createData() }).thenRefused('already_exists', 'payment_exists');
    });
  });

  describe('complete processing', () => {
    it('4242… with automatic capture succeeds for the whole amount', () => {
      given([created()]).when({ type: 'complete_processing' }).then([succeeded(1000)]);
    });

    it('with manual capture waits for a capture', () => {
      given([created('4242424242424242', 'manual')]).when({ type: 'complete_processing' }).then([requiresCapture]);
    });

    it.each([
      ['4000000000000002', 'card_declined'],
      ['4000000000009995', 'insufficient_funds'],
      ['4000000000000069', 'expired_card'],
      ['tok_chargeDeclined', 'card_declined'],
    ])('%s fails with %s', (card, code) => {
      given([created(card)]).when({ type: 'complete_processing' }).then([failed(code)]);
    });

    it('does nothing once processing is over (a second run after a crash)', () => {
      given([created(), succeeded()]).when({ type: 'complete_processing' }).then([]);
    });

    it('does nothing for a payment canceled while processing', () => {
      given([created(), canceled]).when({ type: 'complete_processing' }).then([]);
    });
  });

  describe('capture', () => {
    it('captures an authorized payment in full by default', () => {
      given([created('4242424242424242', 'manual'), requiresCapture]).when({ type: 'capture' }).then([succeeded(1000)]);
    });

    it('captures less than authorized', () => {
      given([created('4242424242424242', 'manual'), requiresCapture]).when({ type: 'capture', amount: 400 }).then([succeeded(400)]);
    });

    it('refuses to capture more than authorized', () => {
      given([created('4242424242424242', 'manual'), requiresCapture])
        .when({ type: 'capture', amount: 1001 })
        .thenRefused('invalid_amount', 'capture_exceeds_authorized');
    });

    it('refuses to capture twice', () => {
      given([created('4242424242424242', 'manual'), requiresCapture, succeeded()])
        .when({ type: 'capture' })
        .thenRefused('invalid_state', 'payment_not_capturable');
    });

    it('refuses to capture an automatic payment still processing', () => {
      given([created()]).when({ type: 'capture' }).thenRefused('invalid_state', 'payment_not_capturable');
    });

    it('refuses a payment that does not exist', () => {
      given([]).when({ type: 'capture' }).thenRefused('not_found', 'payment_not_found');
    });
  });

  describe('cancel', () => {
    it('cancels a payment still processing', () => {
      given([created()]).when({ type: 'cancel' }).then([canceled]);
    });

    it('cancels an uncaptured authorization', () => {
      given([created('4242424242424242', 'manual'), requiresCapture]).when({ type: 'cancel' }).then([canceled]);
    });

    it.each([
      ['succeeded', [created(), succeeded()]],
      ['failed', [created('4000000000000002'), failed('card_declined')]],
      ['canceled', [created(), canceled]],
    ])('refuses to cancel a %s payment', (_status, events) => {
      given(events as PaymentEvent[]).when({ type: 'cancel' }).thenRefused('invalid_state', 'payment_not_cancelable');
    });
  });

  describe('refund', () => {
    it('refunds what was captured by default', () => {
      given([created(), succeeded()]).when({ type: 'refund', refundId: 're_1' }).then([refunded(1000)]);
    });

    it('refunds part, then the rest', () => {
      given([created(), succeeded(), refunded(300)]).when({ type: 'refund', refundId: 're_2' }).then([refunded(700, 're_2')]);
    });

    it('refuses to refund more than was captured', () => {
      given([created(), succeeded(), refunded(300)])
        .when({ type: 'refund', refundId: 're_2', amount: 701 })
        .thenRefused('invalid_amount', 'refund_exceeds_captured');
    });

    it('refuses to refund a failed payment', () => {
      given([created('4000000000000002'), failed('card_declined')])
        .when({ type: 'refund', refundId: 're_1' })
        .thenRefused('invalid_state', 'payment_not_refundable');
    });

    it('refuses to refund a fully refunded payment', () => {
      given([created(), succeeded(), refunded(1000)])
        .when({ type: 'refund', refundId: 're_2' })
        .thenRefused('invalid_state', 'payment_not_refundable');
    });
  });

  describe('evolve', () => {
    it('folds a stream into the current state', () => {
      expect(fold([created(), succeeded(), refunded(300)])).toMatchObject({
        id: 'pay_1',
        status: 'partially_refunded',
        amountCaptured: 1000,
        amountRefunded: 300,
      });
      expect(fold([created(), succeeded(), refunded(300), refunded(700)])).toMatchObject({ status: 'refunded' });
      expect(fold([created('4000000000009995'), failed('insufficient_funds')])).toMatchObject({
        status: 'failed',
        failureCode: 'insufficient_funds',
      });
    });
  });
});
