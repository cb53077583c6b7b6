/** What payment-service's answer to a payment request means for the order. */
export type RequestOutcome =
  | { kind: 'created'; paymentId: string }
  | { kind: 'refused'; code: string }
  | { kind: 'retry'; error: string }
  | { kind: 'invalid'; reason: string; answer: Buffer };

const PAYMENT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const ERROR_CODE = /^[a-z0-9_]{1,100}$/;

function parse(answer: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(answer.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Judges the answer to `POST /v1/payments` as arbitrary bytes. A created payment must be
 * the one asked for (its order, amount and currency); an answer that says otherwise is
 * `invalid` and is set aside rather than trusted or retried for ever.
 */
export function judgeAnswer(status: number, answer: Buffer, asked: { orderId: string; amount: number; currency: string }): RequestOutcome {
  const body = parse(answer);
  if (status === 200 || status === 201) {
    if (!body) return { kind: 'invalid', reason: `payment-service answered ${status} with a body that is not a JSON object`, answer };
    const { id, orderId, amount, currency } = body;
    if (typeof id !== 'string' || !PAYMENT_ID.test(id)) return { kind: 'invalid', reason: `payment-service answered ${status} without a usable payment id`, answer };
    if (orderId !== asked.orderId || amount !== asked.amount || currency !== asked.currency) {
      return { kind: 'invalid', reason: `payment-service answered ${status} with a payment for another order, amount or currency`, answer };
    }
    return { kind: 'created', paymentId: id };
  }
  // A client error will not go away by retrying (an unknown card, say): the order fails.
  if (status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 409 && status !== 429) {
    const code = (body?.error as { code?: unknown } | undefined)?.code;
    return { kind: 'refused', code: typeof code === 'string' && ERROR_CODE.test(code) ? code : `http_${status}` };
  }
  return { kind: 'retry', error: `HTTP ${status}` };
}
