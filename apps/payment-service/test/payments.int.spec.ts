import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { parsePaymentEvent, type PaymentEvent } from '@payhook/contracts';
import { createKafka, MessageConsumer } from '@payhook/messaging';
import { loadConfig, requestHash } from '@payhook/platform';
import { AppProcess, repoRoot, testDatabaseName, testTopic, waitFor } from '@payhook/testkit';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';
import { createPaymentSchema } from '../src/payments/payment-requests';

// payment-service on real Postgres and Kafka, in process (and, for the crash, as a process).
const API_KEY = 'sk_test_integration_key_0123456789';
const env = {
  PAYMENT_API_KEY: API_KEY,
  PAYMENT_DATABASE_NAME: testDatabaseName('payments'),
  PAYMENT_EVENTS_TOPIC: testTopic('payments.events.v1'),
  PAYMENT_PROCESSING_DELAY_MS: '50',
  OUTBOX_POLL_INTERVAL_MS: '200',
  LOG_LEVEL: 'warn',
};

let app: INestApplication;
let baseUrl: string;
const received: PaymentEvent[] = [];
let consumer: MessageConsumer;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const payment = (overrides: Record<string, unknown> = {}) => ({
  orderId: `ord_${Math.random().toString(36).slice(2)}`,
  amount: 2500,
  currency: 'EUR',
  paymentMethod: '4242 4242 4242 4242',
  ...overrides,
});

async function settled(id: string, status: string) {
  return waitFor(
    async () => {
      const { body } = await api('GET', `/v1/payments/${id}`);
      return body.status === status ? body : undefined;
    },
    { timeoutMs: 10_000, description: `payment ${id} to be ${status}` },
  );
}

async function eventCount(): Promise<number> {
  return app.get(DataSource).query('SELECT count(*)::int AS n FROM events').then((r: Array<{ n: number }>) => r[0].n);
}

beforeAll(async () => {
  const config = loadConfig(configSchema, { ...process.env, ...env });
  app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = await app.getUrl();
  baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'payments-test', log: () => undefined });
  consumer = new MessageConsumer(kafka, {
    groupId: `${env.PAYMENT_EVENTS_TOPIC}.observer`,
    topics: [env.PAYMENT_EVENTS_TOPIC],
    handler: async (messages) => {
      for (const m of messages) {
        const parsed = parsePaymentEvent(JSON.parse(m.value!.toString()));
        if (!parsed.ok) throw new Error(parsed.error);
        expect(m.key).toBe(parsed.value.data.object.id);
        // Every event carries the trace of the request that made its payment or change.
        expect(m.headers).toEqual({ 'event-id': parsed.value.id, 'event-type': parsed.value.type, traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
        received.push(parsed.value);
      }
    },
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await app?.close();
});

describe('payments API', () => {
  it.each([
    ['4242 4242 4242 4242', 'succeeded', null],
    ['4000 0000 0000 0002', 'failed', 'card_declined'],
    ['4000000000009995', 'failed', 'insufficient_funds'],
  ])('a payment with %s is processing, then %s', async (card, status, failureCode) => {
    const created = await api('POST', '/v1/payments', payment({ paymentMethod: card }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'processing', version: 1, amount: 2500, currency: 'EUR' });
    const done = await settled(created.body.id, status);
    expect(done).toMatchObject({ failureCode, version: 2 });
    const events = await api('GET', `/v1/payments/${created.body.id}/events`);
    expect(events.body.data.map((e: { type: string; version: number }) => [e.version, e.type])).toEqual([
      [1, 'payment.created'],
      [2, status === 'succeeded' ? 'payment.succeeded' : 'payment.failed'],
    ]);
  });

  it('manual capture, partial refund, full refund; and the rules around them', async () => {
    const { body } = await api('POST', '/v1/payments', payment({ captureMethod: 'manual', amount: 1000 }));
    await settled(body.id, 'requires_capture');
    expect((await api('POST', `/v1/payments/${body.id}/refunds`, {})).status).toBe(409);
    expect((await api('POST', `/v1/payments/${body.id}/capture`, { amount: 1001 })).status).toBe(422);
    expect((await api('POST', `/v1/payments/${body.id}/capture`)).body).toMatchObject({ status: 'succeeded', amountCaptured: 1000 });
    const twice = await api('POST', `/v1/payments/${body.id}/capture`);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'payment_not_capturable']);
    expect((await api('POST', `/v1/payments/${body.id}/refunds`, { amount: 400 })).body).toMatchObject({
      status: 'partially_refunded',
      amountRefunded: 400,
    });
    const over = await api('POST', `/v1/payments/${body.id}/refunds`, { amount: 601 });
    expect([over.status, over.body.error.code]).toEqual([422, 'refund_exceeds_captured']);
    expect((await api('POST', `/v1/payments/${body.id}/refunds`)).body).toMatchObject({ status: 'refunded', amountRefunded: 1000 });
    const list = await api('GET', `/v1/payments?orderId=${body.orderId}`);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([body.id]);
  });

  it('refuses to refund a failed payment', async () => {
    const { body } = await api('POST', '/v1/payments', payment({ paymentMethod: '4000000000000002' }));
    await settled(body.id, 'failed');
    const refund = await api('POST', `/v1/payments/${body.id}/refunds`);
    expect([refund.status, refund.body.error.code]).toEqual([409, 'payment_not_refundable']);
  });
});

describe('Idempotency-Key', () => {
  it('returns the first answer for the same key and body, and creates nothing more', async () => {
    const request = payment();
    const first = await api('POST', '/v1/payments', request, { 'idempotency-key': `k-${request.orderId}` });
    const again = await api('POST', '/v1/payments', { ...request }, { 'idempotency-key': `k-${request.orderId}` });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api('GET', `/v1/payments?orderId=${request.orderId}`)).body.data).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const request = payment();
    await api('POST', '/v1/payments', request, { 'idempotency-key': `k2-${request.orderId}` });
    const other = await api('POST', '/v1/payments', { ...request, amount: 1 }, { 'idempotency-key': `k2-${request.orderId}` });
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('answers 409 for a key whose first request has no answer yet, and creates nothing', async () => {
    const request = payment();
    // The key as a request still running (or one that died) leaves it: taken, unanswered.
    await app.get(DataSource).query('INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2)', [
      `k5-${request.orderId}`,
      requestHash(createPaymentSchema.parse(request)),
    ]);
    const answer = await api('POST', '/v1/payments', request, { 'idempotency-key': `k5-${request.orderId}` });
    expect([answer.status, answer.body.error.code]).toEqual([409, 'idempotency_key_in_use']);
    expect((await api('GET', `/v1/payments?orderId=${request.orderId}`)).body.data).toHaveLength(0);
  });

  it('lets exactly one of many concurrent duplicates create the payment', async () => {
    const request = payment();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api('POST', '/v1/payments', request, { 'idempotency-key': `k3-${request.orderId}` })),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await api('GET', `/v1/payments?orderId=${request.orderId}`)).body.data).toHaveLength(1);
  });

  it('answers each of many creations sent together on its own: new, replayed and refused alike', async () => {
    const shared = payment();
    const sharedKey = `k4-${shared.orderId}`;
    const first = await api('POST', '/v1/payments', shared, { 'idempotency-key': sharedKey });
    const fresh = Array.from({ length: 20 }, () => payment());
    const answers = await Promise.all([
      ...fresh.map((request, i) => api('POST', '/v1/payments', request, i % 2 ? { 'idempotency-key': `k4-${request.orderId}` } : {})),
      ...Array.from({ length: 3 }, () => api('POST', '/v1/payments', shared, { 'idempotency-key': sharedKey })),
      api('POST', '/v1/payments', { ...shared, amount: 1 }, { 'idempotency-key': sharedKey }),
    ]);
    const [created, copies, reused] = [answers.slice(0, 20), answers.slice(20, 23), answers[23]];
    expect(created.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(created.map((a) => a.body.orderId)).toEqual(fresh.map((r) => r.orderId));
    expect(copies.map((a) => [a.status, a.body.id, a.headers.get('idempotent-replayed')])).toEqual(Array(3).fill([201, first.body.id, 'true']));
    expect([reused.status, reused.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    for (const request of [...fresh, shared]) {
      expect((await api('GET', `/v1/payments?orderId=${request.orderId}`)).body.data).toHaveLength(1);
    }
  });
});

describe('concurrency on one payment', () => {
  it('lets one of several racing captures win; the others get 409 and no event is lost or doubled', async () => {
    const { body } = await api('POST', '/v1/payments', payment({ captureMethod: 'manual' }));
    await settled(body.id, 'requires_capture');
    const answers = await Promise.all(Array.from({ length: 6 }, () => api('POST', `/v1/payments/${body.id}/capture`)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(5);
    const events = await api('GET', `/v1/payments/${body.id}/events`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      'payment.created',
      'payment.requires_capture',
      'payment.succeeded',
    ]);
  });
});

describe('outbox to Kafka', () => {
  it('publishes every event once, keyed by payment, in version order per payment', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { body } = await api('POST', '/v1/payments', payment({ paymentMethod: i % 2 ? '4242424242424242' : '4000000000000002' }));
        return body.id as string;
      }),
    );
    for (const [i, id] of ids.entries()) await settled(id, i % 2 ? 'succeeded' : 'failed');
    const total = await eventCount();
    await waitFor(() => received.length >= total, { timeoutMs: 20_000, description: `${total} events on Kafka` });
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    expect(received).toHaveLength(total);
    for (const id of ids) {
      const versions = received.filter((e) => e.data.object.id === id).map((e) => e.data.object.version);
      expect(versions).toEqual([1, 2]);
    }
  });
  it('keeps each payment\'s events in version order with two relays publishing at once', async () => {
    // A second instance on the same database: its relay competes with the first one's.
    const second = await createApp(loadConfig(configSchema, { ...process.env, ...env }));
    await second.init();
    try {
      const start = received.length;
      const ids = await Promise.all(
        Array.from({ length: 10 }, async () => (await api('POST', '/v1/payments', payment({ captureMethod: 'manual' }))).body.id as string),
      );
      for (const id of ids) await settled(id, 'requires_capture');
      await Promise.all(ids.map((id) => api('POST', `/v1/payments/${id}/capture`)));
      await Promise.all(ids.map((id) => api('POST', `/v1/payments/${id}/refunds`, { amount: 500 })));
      await Promise.all(ids.map((id) => api('POST', `/v1/payments/${id}/refunds`, {})));
      await waitFor(() => received.length >= start + ids.length * 5, { timeoutMs: 20_000, description: 'five events per payment on Kafka' });
      for (const id of ids) {
        const versions = received.filter((e) => e.data.object.id === id).map((e) => e.data.object.version);
        expect(versions).toEqual([1, 2, 3, 4, 5]);
      }
    } finally {
      await second.close();
    }
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, string, unknown, Record<string, string>, number, string]> = [
    ['no API key', 'POST', '/v1/payments', payment(), { authorization: '' }, 401, 'missing_api_key'],
    ['wrong API key', 'POST', '/v1/payments', payment(), { authorization: 'Bearer nope' }, 401, 'invalid_api_key'],
    ['malformed JSON', 'POST', '/v1/payments', '{"amount":', {}, 400, 'invalid_json'],
    ['amount as a string', 'POST', '/v1/payments', payment({ amount: '10' }), {}, 400, 'invalid_request'],
    ['zero amount', 'POST', '/v1/payments', payment({ amount: 0 }), {}, 400, 'invalid_request'],
    ['negative amount', 'POST', '/v1/payments', payment({ amount: -5 }), {}, 400, 'invalid_request'],
    ['fractional amount', 'POST', '/v1/payments', payment({ amount: 1.5 }), {}, 400, 'invalid_request'],
    ['unknown currency', 'POST', '/v1/payments', payment({ currency: 'XYZ' }), {}, 400, 'invalid_request'],
    ['unknown card', 'POST', '/v1/payments', payment({ paymentMethod: '1234123412341234' }), {}, 400, 'invalid_request'],
    ['missing field', 'POST', '/v1/payments', { amount: 100, currency: 'EUR' }, {}, 400, 'invalid_request'],
    ['extra field', 'POST', '/v1/payments', payment({ admin: true }), {}, 400, 'invalid_request'],
    ['array body', 'POST', '/v1/payments', [payment()], {}, 400, 'invalid_body'],
    ['oversized body', 'POST', '/v1/payments', payment({ metadata: { x: 'a'.repeat(200_000) } }), {}, 413, 'payload_too_large'],
    ['bad idempotency key', 'POST', '/v1/payments', payment(), { 'idempotency-key': 'é'.repeat(3) }, 400, 'invalid_idempotency_key'],
    ['unknown payment', 'GET', '/v1/payments/pay_missing', undefined, {}, 404, 'payment_not_found'],
    ['refund of unknown payment', 'POST', '/v1/payments/pay_missing/refunds', {}, {}, 404, 'payment_not_found'],
    ['list without orderId', 'GET', '/v1/payments', undefined, {}, 400, 'invalid_request'],
    ['negative refund', 'POST', '/v1/payments/pay_missing/refunds', { amount: -1 }, {}, 400, 'invalid_request'],
  ];

  it.each(cases)('%s → %i %s, nothing written', async (_name, method, path, body, headers, status, code) => {
    const before = await eventCount();
    const answer = await api(method, path, body, headers);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
    expect(await eventCount()).toBe(before);
  });
});

describe('crash during processing', () => {
  it('finishes each payment caught mid-processing exactly once after a SIGKILL and restart', async () => {
    const port = 13201;
    const processEnv = { ...env, PAYMENT_DATABASE_NAME: testDatabaseName('payments_crash'), PAYMENT_SERVICE_PORT: String(port), PAYMENT_PROCESSING_DELAY_MS: '1500' };
    const service = new AppProcess({
      app: 'payment-service',
      env: processEnv,
      baseUrl: `http://127.0.0.1:${port}`,
      output: join(repoRoot(), '.payhook', 'logs', 'payments-crash-test.log'),
    });
    await service.start();
    const saved = baseUrl;
    baseUrl = service.options.baseUrl;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await api('POST', '/v1/payments', payment())).body.id);
      await service.kill();
      await service.start();
      for (const id of ids) {
        await settled(id, 'succeeded');
        const events = await api('GET', `/v1/payments/${id}/events`);
        expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['payment.created', 'payment.succeeded']);
      }
    } finally {
      baseUrl = saved;
      await service.stop();
    }
  });
});
