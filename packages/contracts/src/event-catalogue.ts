import { z } from 'zod';
import { PAYMENT_EVENT_TYPES, paymentEventSchema, type PaymentEvent, type PaymentEventType, type PaymentSnapshot } from './payment-events';

/** One event type as `GET /v1/event-types` and the dispatcher's OpenAPI `webhooks` describe it. */
export interface EventTypeDescription {
  type: PaymentEventType;
  description: string;
  /** JSON Schema (draft 2020-12) of the webhook body, which is the event itself. */
  schema: Record<string, unknown>;
  example: PaymentEvent;
}

const ABOUT: Record<PaymentEventType, { description: string; snapshot: Partial<PaymentSnapshot> }> = {
  'payment.created': {
    description: 'A payment was accepted and is being processed; an outcome event follows.',
    snapshot: { status: 'processing', amountCaptured: 0 },
  },
  'payment.succeeded': {
    description: 'The payment went through and the amount is captured: fulfil the order.',
    snapshot: { status: 'succeeded' },
  },
  'payment.requires_capture': {
    description: 'The card was authorised for a payment with captureMethod "manual": capture or cancel it.',
    snapshot: { status: 'requires_capture', captureMethod: 'manual', amountCaptured: 0 },
  },
  'payment.failed': {
    description: 'The payment was declined; failureCode says why (card_declined, insufficient_funds, expired_card, …).',
    snapshot: { status: 'failed', amountCaptured: 0, failureCode: 'card_declined' },
  },
  'payment.canceled': {
    description: 'An authorised payment was canceled before capture; nothing was charged.',
    snapshot: { status: 'canceled', captureMethod: 'manual', amountCaptured: 0 },
  },
  'payment.refunded': {
    description: 'Some or all of a captured amount was refunded (status partially_refunded or refunded).',
    snapshot: { status: 'refunded', amountRefunded: 2500 },
  },
};

/** The schema of one type's events: the envelope with `type` fixed. */
export function eventSchemaFor(type: PaymentEventType) {
  return paymentEventSchema.extend({ type: z.literal(type) });
}

function example(type: PaymentEventType, index: number): PaymentEvent {
  const at = '2026-01-31T12:00:00.000Z';
  return {
    id: `evt_example_${index + 1}`,
    type,
    createdAt: at,
    data: {
      object: {
        id: 'pay_3f2b9c0d4e5f4a6b',
        orderId: 'ord_8c7d9e0f1a2b3c4d',
        amount: 2500,
        currency: 'EUR',
        status: 'succeeded',
        captureMethod: 'automatic',
        amountCaptured: 2500,
        amountRefunded: 0,
        failureCode: null,
        metadata: {},
        version: index + 2,
        createdAt: at,
        updatedAt: at,
        ...ABOUT[type].snapshot,
      },
    },
  };
}

/** Every payment event type with its description, JSON Schema and an example. */
export const EVENT_TYPE_CATALOGUE: readonly EventTypeDescription[] = PAYMENT_EVENT_TYPES.map((type, index) => {
  // As input: fields may be added to events later, so the schema does not forbid unknown ones.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(eventSchemaFor(type), { target: 'draft-2020-12', io: 'input' });
  return { type, description: ABOUT[type].description, schema, example: example(type, index) };
});
