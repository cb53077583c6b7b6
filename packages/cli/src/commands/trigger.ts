import { randomUUID } from 'node:crypto';
import { call, CliError, type Service } from '../api';

export interface TriggerOptions {
  amount: number;
  currency: string;
  /** For payment.failed: which decline the test card gives. */
  decline: string;
  /** key=value pairs laid over the request that creates the payment (order or payment body). */
  override: string[];
}

export interface Stack {
  payments: Service;
  orders: Service;
}

/** The test card behind each decline code (the README's test cards). */
export const DECLINE_CARDS: Record<string, string> = {
  card_declined: '4000000000000002',
  insufficient_funds: '4000000000009995',
  expired_card: '4000000000000069',
  incorrect_cvc: '4000000000000127',
  processing_error: '4000000000000119',
};
const SUCCEEDING_CARD = '4242424242424242';

export const TRIGGERABLE = ['payment.created', 'payment.succeeded', 'payment.failed', 'payment.requires_capture', 'payment.canceled', 'payment.refunded'] as const;
type Triggerable = (typeof TRIGGERABLE)[number];

const WAIT_MS = 30_000;
const POLL_MS = 50;

/** `a=1`, `b=x` → { a: 1, b: 'x' }: a value that reads as JSON (a number, true, null, an object) is taken as that. */
export function parseOverrides(pairs: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new CliError(`--override ${pair}: expected key=value`);
    const raw = pair.slice(equals + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    result[pair.slice(0, equals)] = value;
  }
  return result;
}

async function poll<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CliError(`gave up after ${WAIT_MS / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface Payment {
  id: string;
  status: string;
}

/** The payment order-service asked for, once payment-service has it. */
function paymentOfOrder(stack: Stack, orderId: string): Promise<Payment> {
  return poll(`the payment of order ${orderId}`, async () => (await call<{ data: Payment[] }>(stack.payments, 'GET', `/v1/payments?orderId=${encodeURIComponent(orderId)}`)).data[0]);
}

/** The id of the payment's event of this type, once it is in its stream. */
function eventOf(stack: Stack, paymentId: string, type: string): Promise<string> {
  return poll(`${type} on payment ${paymentId}`, async () => {
    const { data } = await call<{ data: Array<{ id: string; type: string }> }>(stack.payments, 'GET', `/v1/payments/${paymentId}/events`);
    return data.find((event) => event.type === type)?.id;
  });
}

/** Places an order through order-service, so the webhooks it is subscribed to find their order. */
async function placeOrder(stack: Stack, card: string, options: TriggerOptions): Promise<Payment> {
  const body = { items: [{ sku: 'payhook-trigger', quantity: 1, unitPrice: options.amount }], currency: options.currency, paymentMethod: card, ...parseOverrides(options.override) };
  const order = await call<{ id: string }>(stack.orders, 'POST', '/v1/orders', body);
  return paymentOfOrder(stack, order.id);
}

/**
 * `payhook trigger <type>`: makes the real payment or payment change that produces the
 * event, and returns the event's id. Types order-service acts on go through an order of its
 * own (placed, paid, canceled while processing or refunded), so its webhook finds the order;
 * requires_capture is a manual-capture payment made straight at payment-service.
 */
export async function trigger(stack: Stack, type: string, options: TriggerOptions): Promise<{ eventId: string; paymentId: string }> {
  if (!(TRIGGERABLE as readonly string[]).includes(type)) throw new CliError(`cannot trigger ${type}: one of ${TRIGGERABLE.join(', ')}`);
  const card = DECLINE_CARDS[options.decline];
  if (!card) throw new CliError(`--decline ${options.decline}: one of ${Object.keys(DECLINE_CARDS).join(', ')}`);
  let payment: Payment;
  switch (type as Triggerable) {
    case 'payment.created':
    case 'payment.succeeded':
      payment = await placeOrder(stack, SUCCEEDING_CARD, options);
      break;
    case 'payment.failed':
      payment = await placeOrder(stack, card, options);
      break;
    case 'payment.canceled': {
      // Canceled while still processing (PAYMENT_PROCESSING_DELAY_MS, 1 s by default).
      payment = await placeOrder(stack, SUCCEEDING_CARD, options);
      await call(stack.payments, 'POST', `/v1/payments/${payment.id}/cancel`).catch((error: unknown) => {
        throw new CliError(`the payment finished processing before it could be canceled (raise PAYMENT_PROCESSING_DELAY_MS): ${error instanceof Error ? error.message : String(error)}`);
      });
      break;
    }
    case 'payment.refunded': {
      payment = await placeOrder(stack, SUCCEEDING_CARD, options);
      await eventOf(stack, payment.id, 'payment.succeeded');
      await call(stack.payments, 'POST', `/v1/payments/${payment.id}/refunds`, {});
      break;
    }
    case 'payment.requires_capture': {
      const body = { orderId: `ord_trigger_${randomUUID().replace(/-/g, '')}`, amount: options.amount, currency: options.currency, paymentMethod: SUCCEEDING_CARD, captureMethod: 'manual', ...parseOverrides(options.override) };
      payment = await call<Payment>(stack.payments, 'POST', '/v1/payments', body);
      break;
    }
  }
  return { eventId: await eventOf(stack, payment.id, type), paymentId: payment.id };
}
