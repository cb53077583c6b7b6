import { randomUUID } from 'node:crypto';
import type { PaymentEvent, PaymentEventType } from '@payhook/contracts';

/** A well-formed payment event as payment-service publishes it. */
export function paymentEvent(type: PaymentEventType = 'payment.succeeded', version = 2): PaymentEvent {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    type,
    createdAt: now,
    data: {
      object: {
        id: `pay_${randomUUID().replace(/-/g, '')}`,
        orderId: `ord_${randomUUID().slice(0, 8)}`,
        amount: 1250,
        currency: 'EUR',
        status: type === 'payment.failed' ? 'failed' : 'succeeded',
        captureMethod: 'automatic',
        amountCaptured: 1250,
        amountRefunded: 0,
        failureCode: null,
        metadata: {},
        version,
        createdAt: now,
        updatedAt: now,
      },
    },
  };
}
