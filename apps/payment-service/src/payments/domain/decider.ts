import { cardOutcome } from './test-cards';
import type { Payment, PaymentCommand, PaymentEvent, PaymentState } from './payment';

/** A command that breaks a rule; `kind` decides the HTTP status (409 state, 422 amount). */
export class PaymentRuleError extends Error {
  constructor(
    readonly kind: 'invalid_state' | 'invalid_amount' | 'not_found' | 'already_exists',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ACTIONS = {
  capture: { code: 'payment_not_capturable', participle: 'captured' },
  cancel: { code: 'payment_not_cancelable', participle: 'canceled' },
  refund: { code: 'payment_not_refundable', participle: 'refunded' },
} as const;

function requireStatus(state: PaymentState, allowed: Payment['status'][], action: keyof typeof ACTIONS): Payment {
  if (!state) throw new PaymentRuleError('not_found', 'payment_not_found', 'No such payment.');
  if (!allowed.includes(state.status)) {
    const { code, participle } = ACTIONS[action];
    throw new PaymentRuleError('invalid_state', code, `A ${state.status} payment cannot be ${participle}.`);
  }
  return state;
}

/** Every rule of a payment: which events a command produces from a state, or why it cannot. */
export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'create':
      if (state) throw new PaymentRuleError('already_exists', 'payment_exists', 'The payment already exists.');
      return [{ type: 'payment.created', data: command.data }];

    case 'complete_processing': {
      // Processing may have been overtaken (canceled meanwhile): then there is nothing to do.
      if (!state || state.status !== 'processing') return [];
      const outcome = cardOutcome(state.paymentMethod);
      if (outcome.result === 'declined') return [{ type: 'payment.failed', data: { failureCode: outcome.code } }];
      return state.captureMethod === 'manual'
        ? [{ type: 'payment.requires_capture', data: {} }]
        : [{ type: 'payment.succeeded', data: { amountCaptured: state.amount } }];
    }

    case 'capture': {
      const payment = requireStatus(state, ['requires_capture'], 'capture');
      const amount = command.amount ?? payment.amount;
      if (amount > payment.amount) {
        throw new PaymentRuleError('invalid_amount', 'capture_exceeds_authorized', `At most ${payment.amount} can be captured.`);
      }
      return [{ type: 'payment.succeeded', data: { amountCaptured: amount } }];
    }

    case 'cancel':
      requireStatus(state, ['processing', 'requires_capture'], 'cancel');
      return [{ type: 'payment.canceled', data: {} }];

    case 'refund': {
      const payment = requireStatus(state, ['succeeded', 'partially_refunded'], 'refund');
      const remaining = payment.amountCaptured - payment.amountRefunded;
      const amount = command.amount ?? remaining;
      if (amount > remaining) {
        throw new PaymentRuleError('invalid_amount', 'refund_exceeds_captured', `At most ${remaining} can still be refunded.`);
      }
      return [{ type: 'payment.refunded', data: { refundId: command.refundId, amount } }];
    }
  }
}

/** Folds one event into the state. Pure; never throws for a stream `decide` produced. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'payment.created') {
    const { paymentId, ...rest } = event.data;
    return { id: paymentId, ...rest, status: 'processing', amountCaptured: 0, amountRefunded: 0, failureCode: null };
  }
  if (!state) return state;
  switch (event.type) {
    case 'payment.succeeded':
      return { ...state, status: 'succeeded', amountCaptured: event.data.amountCaptured };
    case 'payment.requires_capture':
      return { ...state, status: 'requires_capture' };
    case 'payment.failed':
      return { ...state, status: 'failed', failureCode: event.data.failureCode };
    case 'payment.canceled':
      return { ...state, status: 'canceled' };
    case 'payment.refunded': {
      const amountRefunded = state.amountRefunded + event.data.amount;
      return { ...state, amountRefunded, status: amountRefunded >= state.amountCaptured ? 'refunded' : 'partially_refunded' };
    }
  }
}

export function fold(events: PaymentEvent[]): PaymentState {
  return events.reduce<PaymentState>(evolve, null);
}
