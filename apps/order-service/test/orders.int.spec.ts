import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { PaymentEvent, PaymentSnapshot } from '@payhook/contracts';
import { loadConfig } from '@payhook/platform';
import { sendWebhook, testDatabaseName, waitFor } from '@payhook/testkit';
import { generateSecret } from '@payhook/webhook-signature';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';

// order-service in process on real Postgres. payment-service and the dispatcher are small
// HTTP stand-ins here (the end-to-end tests in packages/stack run the real ones).
const SECRET = generateSecret();
const ROTATED = generateSecret();
const calls: Array<{ method: string; url: string; idempotencyKey?: string; body: string }> = [];
let paymentServiceUp = true;
let stub: Server;
let stubUrl: string;
let app: INestApplication;
let baseUrl: string;
let config: ReturnType<typeof loadConfig<typeof configSchema>>;

function startStub(): Promise<void> {
  stub = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => (body += c));
    request.on('end', () => {
      calls.push({ method: request.method!, url: request.url!, idempotencyKey: request.headers['idempotency-key'] as string, body });
      const json = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (request.url === '/v1/webhooks/register') return json(201, { id: 'ep_stub', secret: SECRET, status: 'enabled' });
      if (request.url === '/v1/endpoints/ep_stub') return json(200, { id: 'ep_stub', status: 'enabled' });
      if (request.url === '/v1/endpoints/ep_stub/secret/rotate') {
        return json(200, { id: 'ep_stub', secret: ROTATED, previousSecretExpiresAt: new Date(Date.now() + 2000).toISOString() });
      }
      if (request.url === '/v1/payments') {
        if (!paymentServiceUp) return json(503, { error: { code: 'unavailable' } });
        return json(201, { id: `pay_for_${JSON.parse(body).orderId}` });
      }
      json(404, {});
    });
  });
  return new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
}

async function startApp(): Promise<void> {
  app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // the test sees the text
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: parsed as any, headers: response.headers };
}

const order = { items: [{ sku: 'tee', quantity: 2, unitPrice: 1250 }, { sku: 'mug', quantity: 1, unitPrice: 900 }], currency: 'eur', paymentMethod: '4242424242424242' };

async function placeOrder(): Promise<string> {
  const placed = await api('POST', '/v1/orders', order);
  expect(placed.status).toBe(201);
  return placed.body.id;
}

function event(orderId: string, version: number, status: PaymentSnapshot['status'], type: PaymentEvent['type'], extra: Partial<PaymentSnapshot> = {}): PaymentEvent {
  return {
    id: `evt_${orderId}_${version}`,
    type,
    createdAt: new Date().toISOString(),
    data: {
      object: {
        id: `pay_for_${orderId}`,
        orderId,
        amount: 3400,
        currency: 'EUR',
        status,
        captureMethod: 'automatic',
        amountCaptured: 3400,
        amountRefunded: status === 'refunded' ? 3400 : 0,
        failureCode: null,
        metadata: {},
        version,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        ...extra,
      },
    },
  };
}

const webhookUrl = () => `${baseUrl}/webhooks/payments`;
const deliver = (body: object | string, extra: Partial<Parameters<typeof sendWebhook>[1]> = {}) => sendWebhook(webhookUrl(), { secrets: [SECRET], body, ...extra });

beforeAll(async () => {
  await startStub();
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  config = loadConfig(configSchema, {
    ...process.env,
    ORDER_DATABASE_NAME: testDatabaseName('orders'),
    PAYMENT_SERVICE_URL: stubUrl,
    WEBHOOK_DISPATCHER_URL: stubUrl,
    PAYMENT_API_KEY: 'sk_test_payments_0123456789',
    DISPATCHER_API_KEY: 'sk_test_dispatcher_0123456789',
    PAYMENT_REQUEST_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: 'warn',
  });
  await startApp();
  await waitFor(() => calls.some((c) => c.url === '/v1/webhooks/register'), { timeoutMs: 10_000, description: 'the registration' });
});

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => stub?.close(resolve));
});

describe('placing orders', () => {
  it('computes the amount, and asks payment-service for a payment keyed by the order id', async () => {
    const placed = await api('POST', '/v1/orders', order);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'pending_payment', amount: 3400, currency: 'EUR' });
    const id = placed.body.id;
    const paid = await waitFor(async () => (await api('GET', `/v1/orders/${id}`)).body.paymentId, { timeoutMs: 5000, description: 'the payment id' });
    expect(paid).toBe(`pay_for_${id}`);
    const request = calls.find((c) => c.url === '/v1/payments' && c.idempotencyKey === id)!;
    expect(JSON.parse(request.body)).toEqual({ orderId: id, amount: 3400, currency: 'EUR', paymentMethod: '4242424242424242' });
  });

  it('accepts orders while payment-service is down and asks again until it answers', async () => {
    paymentServiceUp = false;
    const id = await placeOrder();
    await waitFor(() => calls.filter((c) => c.idempotencyKey === id).length >= 2, { timeoutMs: 5000, description: 'two refused tries' });
    expect((await api('GET', `/v1/orders/${id}`)).body.paymentId).toBeNull();
    paymentServiceUp = true;
    await waitFor(async () => (await api('GET', `/v1/orders/${id}`)).body.paymentId, { timeoutMs: 10_000, description: 'the payment id after recovery' });
  });

  it('replays the first answer for the same Idempotency-Key and body', async () => {
    const first = await api('POST', '/v1/orders', order, { 'idempotency-key': 'order-key-1' });
    const again = await api('POST', '/v1/orders', order, { 'idempotency-key': 'order-key-1' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api('POST', '/v1/orders', { ...order, currency: 'USD' }, { 'idempotency-key': 'order-key-1' });
    expect(other.status).toBe(422);
  });

  it.each([
    ['bad JSON', '{"items":', 400, 'invalid_json'],
    ['no items', { currency: 'EUR', paymentMethod: '4242424242424242', items: [] }, 400, 'invalid_request'],
    ['a zero quantity', { ...order, items: [{ sku: 'a', quantity: 0, unitPrice: 100 }] }, 400, 'invalid_request'],
    ['a negative price', { ...order, items: [{ sku: 'a', quantity: 1, unitPrice: -100 }] }, 400, 'invalid_request'],
    ['a fractional price', { ...order, items: [{ sku: 'a', quantity: 1, unitPrice: 1.5 }] }, 400, 'invalid_request'],
    ['an unknown currency', { ...order, currency: 'XYZ' }, 400, 'invalid_request'],
    ['a string quantity', { ...order, items: [{ sku: 'a', quantity: '1', unitPrice: 100 }] }, 400, 'invalid_request'],
    ['an extra field', { ...order, coupon: 'FREE' }, 400, 'invalid_request'],
    ['a total too large', { ...order, items: [{ sku: 'a', quantity: 1000, unitPrice: 10_000_000 }] }, 400, 'invalid_request'],
  ])('refuses %s', async (_, body, status, code) => {
    const before = (await api('GET', '/v1/orders?limit=500')).body.data.length;
    const response = await api('POST', '/v1/orders', body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect((await api('GET', '/v1/orders?limit=500')).body.data.length).toBe(before);
  });

  it('answers 404 for an unknown order, and 400 for a bad status filter', async () => {
    expect((await api('GET', '/v1/orders/ord_nope')).body.error.code).toBe('order_not_found');
    expect((await api('GET', '/v1/orders?status=lost')).status).toBe(400);
  });
});

describe('payment webhooks', () => {
  it('a verified payment.succeeded makes the order paid, with the event in its history', async () => {
    const id = await placeOrder();
    const sent = await deliver(event(id, 2, 'succeeded', 'payment.succeeded'));
    expect(sent.status).toBe(200);
    const { body } = await api('GET', `/v1/orders/${id}`);
    expect(body.status).toBe('paid');
    expect(body.history.map((h: { status: string; cause: string }) => [h.status, h.cause])).toEqual([
      ['pending_payment', 'order.placed'],
      ['paid', 'payment.succeeded'],
    ]);
    expect(body.history[1]).toMatchObject({ eventId: `evt_${id}_2`, webhookId: sent.webhookId, paymentVersion: 2 });
    expect((await api('GET', '/v1/orders?status=paid&limit=500')).body.data.map((o: { id: string }) => o.id)).toContain(id);
  });

  it('keeps the decline code of a failed payment', async () => {
    const id = await placeOrder();
    await deliver(event(id, 2, 'failed', 'payment.failed', { failureCode: 'card_declined', amountCaptured: 0 }));
    expect((await api('GET', `/v1/orders/${id}`)).body).toMatchObject({ status: 'payment_failed', failureCode: 'card_declined' });
  });

  it('applies a webhook once: a replay and ten simultaneous copies change nothing more', async () => {
    const id = await placeOrder();
    const body = event(id, 2, 'succeeded', 'payment.succeeded');
    const first = await deliver(body);
    const replay = await deliver(body, { webhookId: first.webhookId });
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.body)).toEqual({ result: 'duplicate' });
    const refund = event(id, 3, 'refunded', 'payment.refunded');
    const copies = await Promise.all(Array.from({ length: 10 }, () => deliver(refund, { webhookId: 'msg_same_refund_' + id })));
    expect(copies.map((c) => c.status)).toEqual(Array(10).fill(200));
    expect(copies.filter((c) => JSON.parse(c.body).result === 'applied')).toHaveLength(1);
    const { body: after } = await api('GET', `/v1/orders/${id}`);
    expect(after.status).toBe('refunded');
    expect(after.history).toHaveLength(3);
  });

  it('ends in the same state whatever the order the webhooks arrive in', async () => {
    const id = await placeOrder();
    const stream = [
      event(id, 1, 'processing', 'payment.created'),
      event(id, 2, 'succeeded', 'payment.succeeded'),
      event(id, 3, 'partially_refunded', 'payment.refunded', { amountRefunded: 400 }),
      event(id, 4, 'refunded', 'payment.refunded', { amountRefunded: 3400 }),
    ];
    for (const e of [stream[3], stream[1], stream[0], stream[2]]) expect((await deliver(e)).status).toBe(200);
    expect((await api('GET', `/v1/orders/${id}`)).body).toMatchObject({ status: 'refunded', amountRefunded: 3400 });
  });

  it('answers non-2xx for an order it does not know yet, so the webhook is retried, and keeps no trace of it', async () => {
    const early = event('ord_not_yet', 2, 'succeeded', 'payment.succeeded');
    const sent = await deliver(early);
    expect(sent.status).toBe(409);
    // The same webhook-id is not burnt: once the order exists it applies.
    const again = await deliver(early, { webhookId: sent.webhookId });
    expect(again.status).toBe(409);
  });

  describe('refuses without effect', () => {
    let id: string;
    beforeAll(async () => {
      id = await placeOrder();
    });
    const now = () => Math.floor(Date.now() / 1000);
    const good = () => event(id, 2, 'succeeded', 'payment.succeeded');

    it.each([
      ['a forged signature', () => ({ secrets: [generateSecret()] }), 401],
      ['a body changed after signing', () => ({ tamper: { signedBody: '{"other":1}' } }), 401],
      ['a missing signature', () => ({ tamper: { omitHeaders: ['webhook-signature' as const] } }), 401],
      ['a missing id', () => ({ tamper: { omitHeaders: ['webhook-id' as const] } }), 401],
      ['a garbage signature', () => ({ tamper: { signature: 'v1,AAAA' } }), 401],
      ['a timestamp 301 s old', () => ({ timestamp: now() - 301 }), 401],
      ['a timestamp 301 s ahead', () => ({ timestamp: now() + 301 }), 401],
      ['a verified body that is not a payment event', () => ({ body: { hello: 'world' } }), 400],
      ['a verified body that is not JSON', () => ({ body: 'not json at all' }), 400],
      ['an oversized body', () => ({ body: { ...good(), padding: 'x'.repeat(200_000) } }), 413],
    ])('%s', async (_, options, status) => {
      const sent = await sendWebhook(webhookUrl(), { secrets: [SECRET], body: good(), ...options() });
      expect(sent.status).toBe(status);
      expect(JSON.parse(sent.body).error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect((await api('GET', `/v1/orders/${id}`)).body.status).toBe('pending_payment');
    });

    it('accepts timestamps 290 s off either way', async () => {
      for (const skew of [-290, 290]) {
        const other = await placeOrder();
        const sent = await deliver(event(other, 2, 'succeeded', 'payment.succeeded'), { timestamp: now() + skew });
        expect(sent.status).toBe(200);
      }
    });
  });
});

describe('live status', () => {
  it('streams the order and then each change as Server-Sent Events', async () => {
    const id = await placeOrder();
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/v1/orders/${id}/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += Buffer.from(value).toString('utf8');
      }
    };
    await readUntil('"status":"pending_payment"');
    await deliver(event(id, 2, 'succeeded', 'payment.succeeded'));
    await readUntil('"status":"paid"');
    expect(text).toMatch(/event: order/);
    controller.abort();
  });

  it('answers 404 for the stream of an unknown order', async () => {
    expect((await api('GET', '/v1/orders/ord_nope/stream')).status).toBe(404);
  });
});

describe('registration with the dispatcher', () => {
  it('rotates the secret: both are accepted during the overlap, then only the new one', async () => {
    expect((await api('POST', '/v1/webhook-registration/rotate-secret')).status).toBe(401);
    const rotated = await api('POST', '/v1/webhook-registration/rotate-secret', undefined, { authorization: 'Bearer sk_test_dispatcher_0123456789' });
    expect(rotated.status).toBe(200);
    const [a, b, c] = [await placeOrder(), await placeOrder(), await placeOrder()];
    expect((await deliver(event(a, 2, 'succeeded', 'payment.succeeded'))).status).toBe(200);
    expect((await deliver(event(b, 2, 'succeeded', 'payment.succeeded'), { secrets: [ROTATED] })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect((await deliver(event(c, 2, 'succeeded', 'payment.succeeded'))).status).toBe(401);
    expect((await deliver(event(c, 2, 'succeeded', 'payment.succeeded'), { secrets: [ROTATED] })).status).toBe(200);
  });

  it('is reused across restarts', async () => {
    const registrations = () => calls.filter((c) => c.url === '/v1/webhooks/register').length;
    expect(registrations()).toBe(1);
    await app.close();
    await startApp();
    await waitFor(() => calls.filter((c) => c.url === '/v1/endpoints/ep_stub').length >= 1, { timeoutMs: 10_000, description: 'the registration check' });
    expect(registrations()).toBe(1);
    const id = await placeOrder();
    expect((await deliver(event(id, 2, 'succeeded', 'payment.succeeded'), { secrets: [ROTATED] })).status).toBe(200);
  });
});
