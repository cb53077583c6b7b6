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

/** A JSON API client with the bearer key. */
export function apiClient(baseUrl: () => string, apiKey: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test sees the text.
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: parsed as any };
  };
}
