import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { PaymentEvent, PaymentSnapshot } from '@payhook/contracts';
import { Database, databaseUrl, loadConfig, RetentionLoop } from '@payhook/platform';
import { Client } from 'pg';
import pino from 'pino';
import { sendWebhook, testDatabaseName, waitFor } from '@payhook/testkit';
import { generateSecret } from '@payhook/webhook-signature';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';
import { PaymentIdSignal } from '../src/payment-requests/payment-id-signal';

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
        const asked = JSON.parse(body);
        // Test tokens that make this stand-in answer what a broken provider might.
        if (asked.paymentMethod === 'tok_stub_not_json') return response.writeHead(201).end('<html>created</html>');
        if (asked.paymentMethod === 'tok_stub_slow') {
          setTimeout(() => json(201, { id: `pay_for_${asked.orderId}`, orderId: asked.orderId, amount: asked.amount, currency: asked.currency }), 400);
          return;
        }
        if (asked.paymentMethod === 'tok_stub_other_amount') return json(201, { id: `pay_for_${asked.orderId}`, orderId: asked.orderId, amount: 1, currency: asked.currency });
        return json(201, { id: `pay_for_${asked.orderId}`, orderId: asked.orderId, amount: asked.amount, currency: asked.currency });
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

/** An order whose payment payment-service has created (its id recorded), as webhooks expect. */
async function placeOrder(paymentMethod = order.paymentMethod): Promise<string> {
  const placed = await api('POST', '/v1/orders', { ...order, paymentMethod });
  expect(placed.status).toBe(201);
  const id = placed.body.id;
  await waitFor(async () => (await api('GET', `/v1/orders/${id}`)).body.paymentId !== null, { timeoutMs: 5000, description: `the payment of ${id}` });
  return id;
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
    // Sent by the placing request itself, once: the row went in leased, so no poller sent it too.
    expect(calls.filter((c) => c.idempotencyKey === id)).toHaveLength(1);
  });

  it('asks for the payment of an order whose placing process died before asking, once its lease runs out', async () => {
    const dataSource = app.get(DataSource);
    const id = `ord_leased_by_a_dead_process_${Date.now()}`;
    await dataSource.query(`INSERT INTO orders (id, status, items, amount, currency) VALUES ($1, 'pending_payment', '[]', 3400, 'EUR')`, [id]);
    await dataSource.query(`INSERT INTO payment_requests (order_id, payment_method, lease_until) VALUES ($1, '4242424242424242', now() + interval '500 milliseconds')`, [id]);
    const paid = await waitFor(async () => (await api('GET', `/v1/orders/${id}`)).body.paymentId, { timeoutMs: 10_000, description: 'the payment id after the lease ran out' });
    expect(paid).toBe(`pay_for_${id}`);
    expect(calls.filter((c) => c.idempotencyKey === id)).toHaveLength(1);
  });

  it('accepts orders while payment-service is down and asks again until it answers', async () => {
    paymentServiceUp = false;
    let id: string;
    try {
      id = (await api('POST', '/v1/orders', order)).body.id;
      await waitFor(() => calls.filter((c) => c.idempotencyKey === id).length >= 2, { timeoutMs: 5000, description: 'two refused tries' });
      expect((await api('GET', `/v1/orders/${id}`)).body.paymentId).toBeNull();
    } finally {
      paymentServiceUp = true;
    }
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

  it('applies webhooks that arrive together each on its own terms; an unknown order\'s is refused and leaves no trace', async () => {
    const dataSource = app.get(DataSource);
    const ids = await Promise.all(Array.from({ length: 6 }, () => placeOrder()));
    const copyId = `msg_batch_copy_${ids[0]}`;
    // Sent at once, so they share commits (group commit) as well as arriving one by one.
    const sent = await Promise.all([
      ...ids.map((id) => deliver(event(id, 2, 'succeeded', 'payment.succeeded'))),
      deliver(event('ord_not_placed_yet', 2, 'succeeded', 'payment.succeeded')),
      ...Array.from({ length: 4 }, () => deliver(event(ids[0], 3, 'refunded', 'payment.refunded'), { webhookId: copyId })),
    ]);
    expect(sent.map((s) => s.status)).toEqual([...Array(6).fill(200), 409, ...Array(4).fill(200)]);
    expect(sent.slice(7).filter((s) => JSON.parse(s.body).result === 'applied')).toHaveLength(1);
    expect((await api('GET', `/v1/orders/${ids[0]}`)).body.status).toBe('refunded');
    for (const id of ids.slice(1)) expect((await api('GET', `/v1/orders/${id}`)).body.status).toBe('paid');
    const inbox = await dataSource.query('SELECT webhook_id, duplicates FROM inbox WHERE webhook_id = ANY($1)', [[sent[6].webhookId, copyId]]);
    expect(inbox).toEqual([{ webhook_id: copyId, duplicates: 3 }]);
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
      ['a body that is not JSON (refused by the JSON parser before any check)', () => ({ body: 'not json at all' }), 400],
      ['an oversized body', () => ({ body: { ...good(), padding: 'x'.repeat(200_000) } }), 413],
    ])('%s', async (_, options, status) => {
      const sent = await sendWebhook(webhookUrl(), { secrets: [SECRET], body: good(), ...options() });
      expect(sent.status).toBe(status);
      expect(JSON.parse(sent.body).error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect((await api('GET', `/v1/orders/${id}`)).body.status).toBe('pending_payment');
    });

    it.each([
      ['a body that is not a payment event', { hello: 'world' }, /not a payment event/],
      ['a version past any integer column', () => event(id, 3_000_000_000, 'succeeded', 'payment.succeeded'), /out of range.*SQLSTATE 22003/],
      ['a NUL in the decline code', () => event(id, 2, 'failed', 'payment.failed', { failureCode: 'x\u0000', amountCaptured: 0 }), /SQLSTATE 22/],
    ])('quarantines a verified webhook with %s: answered 200, kept with its bytes, never applied', async (_, body, reason) => {
      const payload = typeof body === 'function' ? body() : body;
      const sent = await deliver(payload);
      expect(sent.status).toBe(200);
      expect(JSON.parse(sent.body)).toMatchObject({ result: 'quarantined', reason: expect.stringMatching(reason) });
      const listed = await api('GET', '/v1/quarantine?worker=webhook-receiver', undefined, { authorization: `Bearer ${config.DISPATCHER_API_KEY}` });
      const entry = listed.body.data.find((q: { recordId: string }) => q.recordId === sent.webhookId);
      expect(entry.payload.text).toBe(JSON.stringify(payload));
      expect((await api('GET', `/v1/orders/${id}`)).body.status).toBe('pending_payment');
      // Sent again, it is not quarantined twice.
      expect(JSON.parse((await deliver(payload, { webhookId: sent.webhookId })).body).result).toBe('quarantined');
      const again = await api('GET', '/v1/quarantine?worker=webhook-receiver', undefined, { authorization: `Bearer ${config.DISPATCHER_API_KEY}` });
      expect(again.body.data.filter((q: { recordId: string }) => q.recordId === sent.webhookId)).toHaveLength(1);
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

describe('payment integrity: a webhook only pays the order it belongs to', () => {
  it.each([
    ["another payment naming the order", { id: 'pay_attacker', amount: 1, amountCaptured: 1 }, "payment pay_attacker is not this order's payment"],
    ['its own payment for another amount', { amount: 1, amountCaptured: 1 }, 'is for 1 EUR, the order for 3400 EUR'],
    ['its own payment in another currency', { currency: 'USD' }, 'is for 3400 USD, the order for 3400 EUR'],
  ])('a declined order is not paid by %s: 200, recorded in its history, status unchanged', async (_case, extra, reason) => {
    const id = await placeOrder();
    expect((await deliver(event(id, 2, 'failed', 'payment.failed', { failureCode: 'card_declined', amountCaptured: 0 }))).status).toBe(200);
    const sent = await deliver(event(id, 3, 'succeeded', 'payment.succeeded', extra));
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({ result: 'mismatch', reason: expect.stringContaining(reason) });
    const { body } = await api('GET', `/v1/orders/${id}`);
    expect(body.status).toBe('payment_failed');
    expect(body.history.at(-1)).toMatchObject({ status: 'payment_failed', cause: 'payment_mismatch', detail: expect.stringContaining(reason), webhookId: sent.webhookId });
  });

  it('holds a webhook that beats the recording of its payment id for up to a second, and applies it once recorded', async () => {
    const placed = await api('POST', '/v1/orders', { ...order, paymentMethod: 'tok_stub_slow' });
    // payment-service (the stand-in) has the request and answers 400 ms later; the webhook comes now.
    await waitFor(() => calls.some((c) => c.url === '/v1/payments' && c.idempotencyKey === placed.body.id), { timeoutMs: 5000, description: 'the payment request' });
    const sent = await deliver(event(placed.body.id, 2, 'succeeded', 'payment.succeeded'));
    expect([sent.status, JSON.parse(sent.body)]).toEqual([200, { result: 'applied', status: 'paid' }]);
  });

  it('asks for a retry (409) while the payment request is still on its way, then applies it', async () => {
    paymentServiceUp = false;
    try {
      const placed = await api('POST', '/v1/orders', order);
      const early = event(placed.body.id, 2, 'succeeded', 'payment.succeeded');
      const sent = await deliver(early);
      expect([sent.status, JSON.parse(sent.body).error.code]).toEqual([409, 'payment_not_recorded_yet']);
      paymentServiceUp = true;
      await waitFor(async () => (await api('GET', `/v1/orders/${placed.body.id}`)).body.paymentId !== null, { timeoutMs: 10_000, description: 'the payment id' });
      expect(JSON.parse((await deliver(early, { webhookId: sent.webhookId })).body)).toEqual({ result: 'applied', status: 'paid' });
    } finally {
      paymentServiceUp = true;
    }
  });
});

describe('payment ids recorded by another instance', () => {
  it('are announced at commit, and wake a webhook waiting here for one of them', async () => {
    const listener = new Client({ connectionString: databaseUrl(config.DATABASE_URL, config.ORDER_DATABASE_NAME) });
    const signal = app.get(PaymentIdSignal);
    let woken = false;
    void signal.wait('ord_elsewhere', 60_000).then(() => (woken = true));
    try {
      await listener.connect();
      const announced: string[] = [];
      listener.on('notification', (n) => announced.push(...(n.payload ?? '').split(',')));
      await listener.query('LISTEN payment_ids');
      // This instance records the id of an order it placed, and says so.
      const id = await placeOrder();
      await waitFor(() => announced.includes(id), { timeoutMs: 5000, description: `the announcement of ${id}` });
      // Another instance announces one this process never recorded: its waiter wakes.
      await listener.query("SELECT pg_notify('payment_ids', 'ord_other,ord_elsewhere')");
      await waitFor(() => woken, { timeoutMs: 5000, description: 'the waiter woken by the announcement' });
    } finally {
      // Whatever failed, no minute-long wait outlives the test.
      signal.recorded(['ord_elsewhere']);
      await listener.end();
    }
  });
});

describe('the payment-request worker', () => {
  it.each([
    ['a 201 that is not JSON', 'tok_stub_not_json', /not a JSON object/],
    ['a 201 for another amount', 'tok_stub_other_amount', /another order, amount or currency/],
  ])('sets aside a request answered with %s; the order says why, and other orders go on', async (_case, token, reason) => {
    const placed = await api('POST', '/v1/orders', { ...order, paymentMethod: token });
    const good = await placeOrder();
    const history = await waitFor(
      async () => {
        const { body } = await api('GET', `/v1/orders/${placed.body.id}`);
        return body.history.find((h: { cause: string }) => h.cause === 'payment_request_quarantined');
      },
      { timeoutMs: 10_000, description: 'the request set aside' },
    );
    expect(history.detail).toMatch(reason);
    const { body } = await api('GET', `/v1/orders/${placed.body.id}`);
    expect([body.status, body.paymentId]).toEqual(['pending_payment', null]);
    expect((await api('GET', `/v1/orders/${good}`)).body.paymentId).toBe(`pay_for_${good}`);
    const listed = await api('GET', '/v1/quarantine?worker=payment-requests', undefined, { authorization: `Bearer ${config.DISPATCHER_API_KEY}` });
    expect(listed.body.data.map((q: { recordId: string }) => q.recordId)).toContain(placed.body.id);
  });

  it('refuses a lone surrogate in a sku with a 400', async () => {
    const sent = await api('POST', '/v1/orders', '{"items":[{"sku":"\\ud800","quantity":1,"unitPrice":100}],"currency":"EUR","paymentMethod":"tok_visa"}');
    expect([sent.status, sent.body.error.code]).toEqual([400, 'invalid_characters']);
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
    const rotations = () => calls.filter((c) => c.url === '/v1/endpoints/ep_stub/secret/rotate').length;
    const before = rotations();
    const headers = { authorization: 'Bearer sk_test_dispatcher_0123456789', 'idempotency-key': 'rotate-once' };
    const rotated = await api('POST', '/v1/webhook-registration/rotate-secret', undefined, headers);
    expect(rotated.status).toBe(200);
    // Retried with its key after a lost answer, it rotates nothing more and answers the same.
    const again = await api('POST', '/v1/webhook-registration/rotate-secret', undefined, headers);
    expect([again.status, again.headers.get('idempotent-replayed'), again.body]).toEqual([200, 'true', rotated.body]);
    expect(rotations()).toBe(before + 1);
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

describe('retention', () => {
  it('forgets webhook-ids after ORDER_INBOX_RETENTION and idempotency keys after 24 h, and keeps the rest', async () => {
    const dataSource = app.get(DataSource);
    const id = await placeOrder();
    const sent = await deliver(event(id, 2, 'succeeded', 'payment.succeeded'), { secrets: [ROTATED] }); // rotated above
    expect(sent.status).toBe(200);
    await dataSource.query(`INSERT INTO inbox (webhook_id, event_id, received_at) VALUES ('msg_old', 'evt_old', now() - interval '31 days')`);
    await dataSource.query(`INSERT INTO idempotency_keys (key, request_hash, created_at) VALUES ('key_old', 'h', now() - interval '25 hours'), ('key_new', 'h', now())`);
    while ((await app.get(RetentionLoop).sweep()) > 0);
    expect(await dataSource.query(`SELECT webhook_id FROM inbox WHERE webhook_id = 'msg_old'`)).toEqual([]);
    expect((await dataSource.query('SELECT count(*)::int AS n FROM inbox'))[0].n).toBeGreaterThan(0);
    expect((await dataSource.query(`SELECT key FROM idempotency_keys WHERE key IN ('key_old', 'key_new')`)).map((r: { key: string }) => r.key)).toEqual(['key_new']);
  });

  it('sweeps every other rule when one fails', async () => {
    const dataSource = app.get(DataSource);
    await dataSource.query(`INSERT INTO inbox (webhook_id, event_id, received_at) VALUES ('msg_older', 'evt_older', now() - interval '31 days')`);
    const warnings: unknown[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const loop = new RetentionLoop(app.get(Database), logger, [
      { table: 'no_such_table', column: 'created_at', maxAgeMs: 1000 },
      { table: 'inbox', column: 'received_at', maxAgeMs: 30 * 86_400_000 },
    ]);
    expect(await loop.sweep()).toBe(1);
    expect(await dataSource.query(`SELECT webhook_id FROM inbox WHERE webhook_id = 'msg_older'`)).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ table: 'no_such_table', msg: 'retention sweep failed; the next sweep tries again' })]);
  });
});
