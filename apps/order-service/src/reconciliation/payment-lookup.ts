import { paymentSnapshotSchema, type PaymentSnapshot } from '@payhook/contracts';

/** What payment-service's answer to `GET /v1/payments/:id` tells reconciliation. */
export type Lookup =
  | { kind: 'found'; payment: PaymentSnapshot }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'invalid'; reason: string; answer: Buffer };

/**
 * Judges the answer as arbitrary bytes: only a 200 whose body is a payment snapshot, for
 * the payment asked about, is used. A 5xx, 429 or timeout is tried again next round; any
 * other answer cannot be used and is set aside.
 */
export function judgeLookup(status: number, answer: Buffer, paymentId: string): Lookup {
  if (status >= 500 || status === 429 || status === 408) return { kind: 'unavailable', reason: `HTTP ${status}` };
  if (status !== 200) return { kind: 'invalid', reason: `payment-service answered ${status} for payment ${paymentId}`, answer };
  let body: unknown;
  try {
    body = JSON.parse(answer.toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'payment-service answered 200 with a body that is not JSON', answer };
  }
  const parsed = paymentSnapshotSchema.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: 'payment-service answered 200 with a body that is not a payment', answer };
  if (parsed.data.id !== paymentId) return { kind: 'invalid', reason: `payment-service answered with payment ${parsed.data.id}, not ${paymentId}`, answer };
  return { kind: 'found', payment: parsed.data };
}
