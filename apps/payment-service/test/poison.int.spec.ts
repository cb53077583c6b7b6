import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createKafka, MessagingAdmin } from '@payhook/messaging';
import { loadConfig } from '@payhook/platform';
import { apiClient, testDatabaseName, testTopic, waitFor } from '@payhook/testkit';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';

// One bad record never stops a worker: poison payments, oversized events and events the
// broker refuses are quarantined with their reason while every other payment goes through.
const API_KEY = 'sk_test_poison_key_0123456789';
const env = {
  PAYMENT_API_KEY: API_KEY,
  PAYMENT_DATABASE_NAME: testDatabaseName('payments_poison'),
  PAYMENT_EVENTS_TOPIC: testTopic('payments.events.v1.poison'),
  PAYMENT_PROCESSING_DELAY_MS: '50',
  OUTBOX_POLL_INTERVAL_MS: '200',
  // Between the broker's limit for this topic (8 kB, below) and the relay's own.
  KAFKA_MAX_MESSAGE_BYTES: '20000',
  LOG_LEVEL: 'fatal',
};
const BROKER_LIMIT_BYTES = 8_000;

let app: INestApplication;
let baseUrl: string;
let db: DataSource;

const api = apiClient(() => baseUrl, API_KEY);

const payment = (overrides: Record<string, unknown> = {}) => ({
  orderId: `ord_${randomUUID().slice(0, 8)}`,
  amount: 2500,
  currency: 'EUR',
  paymentMethod: '4242424242424242',
  ...overrides,
});

/** Writes a payment the API would refuse today, as data written by an older version would be. */
async function insertStoredPayment(data: Record<string, unknown>): Promise<string> {
  const id = `pay_poison_${randomUUID().slice(0, 8)}`;
  await db.query(`INSERT INTO events (stream_id, version, event_id, type, data) VALUES ($1, 1, $2, 'payment.created', $3)`, [
    id,
    randomUUID(),
    JSON.stringify({ paymentId: id, orderId: 'ord_poison', amount: 100, currency: 'EUR', captureMethod: 'automatic', metadata: {}, ...data }),
  ]);
  await db.query(`INSERT INTO processing_jobs (payment_id, due_at) VALUES ($1, now())`, [id]);
  return id;
}

async function quarantined(worker: string): Promise<Array<{ recordId: string; reason: string; payload: { text: string } | null }>> {
  return (await api('GET', `/v1/quarantine?worker=${worker}`)).body.data;
}

beforeAll(async () => {
  const config = loadConfig(configSchema, { ...process.env, ...env });
  // The topic exists before the app starts, with a broker-side size limit below the relay's.
  const admin = new MessagingAdmin(createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'poison-test', log: () => undefined }));
  try {
    await admin.ensureTopics([{ topic: env.PAYMENT_EVENTS_TOPIC, partitions: 3, config: { 'max.message.bytes': String(BROKER_LIMIT_BYTES) } }]);
  } finally {
    await admin.disconnect();
  }
  app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  db = app.get(DataSource);
});

afterAll(async () => {
  await app?.close();
});

describe('input that once became poison is refused at the door', () => {
  it.each([['constructor'], ['toString'], ['__proto__'], ['hasOwnProperty']])('paymentMethod %j is 400, not a test card', async (method) => {
    const created = await api('POST', '/v1/payments', payment({ paymentMethod: method }));
    expect([created.status, created.body.error.code]).toEqual([400, 'invalid_request']);
  });

  it.each([
    ['a metadata key over 40 characters', { metadata: { ['k'.repeat(41)]: 'v' } }],
    ['an empty metadata key', { metadata: { '': 'v' } }],
    ['21 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
    ['a metadata value over 500 characters', { metadata: { k: 'v'.repeat(501) } }],
  ])('%s is 400', async (_case, extra) => {
    expect((await api('POST', '/v1/payments', payment(extra))).status).toBe(400);
  });

  it.each([
    ['a lone surrogate in metadata', '{"orderId":"ord_x","amount":100,"currency":"EUR","paymentMethod":"tok_visa","metadata":{"k":"\\ud800"}}'],
    ['a lone surrogate in a metadata key', '{"orderId":"ord_x","amount":100,"currency":"EUR","paymentMethod":"tok_visa","metadata":{"\\udc00":"v"}}'],
    ['nesting 5000 levels deep', `{"orderId":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('%s is a 400, never a 500', async (_case, body) => {
    const answer = await api('POST', '/v1/payments', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.type).toBe('invalid_request_error');
  });
});

describe('the processing worker', () => {
  it('quarantines payments it cannot finish and processes every other one', async () => {
    const poison = [await insertStoredPayment({ paymentMethod: 'constructor' }), await insertStoredPayment({ paymentMethod: null })];
    const good = await Promise.all([1, 2, 3, 4, 5].map(() => api('POST', '/v1/payments', payment())));
    for (const { body } of good) {
      await waitFor(async () => (await api('GET', `/v1/payments/${body.id}`)).body.status === 'succeeded', { timeoutMs: 15_000, description: `${body.id} succeeded` });
    }
    await waitFor(async () => (await quarantined('processing')).length === 2, { timeoutMs: 10_000, description: 'two payments quarantined' });
    const entries = await quarantined('processing');
    expect(entries.map((e) => e.recordId).sort()).toEqual([...poison].sort());
    for (const entry of entries) expect(entry.reason).toMatch(/not a test payment method/);
    // Set aside: no longer in the queue, so never retried at full speed.
    expect(await db.query('SELECT payment_id FROM processing_jobs WHERE payment_id = ANY($1)', [poison])).toEqual([]);
  });
});

describe('the outbox relay', () => {
  const bigMetadata = (valueLength: number) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, 'v'.repeat(valueLength)]));

  it('quarantines an event over KAFKA_MAX_MESSAGE_BYTES and an event the broker refuses, and publishes the rest', async () => {
    // The relay's limit is 20 kB: this is larger still, so it is never sent.
    await db.query(`INSERT INTO outbox (topic, message_key, event_id, event_type, payload) VALUES ($1, 'pay_huge', $2, 'payment.created', $3)`, [
      env.PAYMENT_EVENTS_TOPIC,
      randomUUID(),
      JSON.stringify({ padding: 'x'.repeat(30_000) }),
    ]);
    // Within the relay's limit but over the topic's 8 kB: the broker refuses it.
    const refused = await api('POST', '/v1/payments', payment({ metadata: bigMetadata(450) }));
    expect(refused.status).toBe(201);
    const good = await Promise.all([1, 2, 3].map(() => api('POST', '/v1/payments', payment())));
    await waitFor(async () => Number((await db.query('SELECT count(*)::int AS n FROM outbox'))[0].n) === 0, {
      timeoutMs: 20_000,
      description: 'the outbox to drain',
    });
    const entries = await quarantined('outbox-relay');
    const reasons = entries.map((e) => e.reason).join(' | ');
    expect(reasons).toMatch(/over KAFKA_MAX_MESSAGE_BYTES=20000/);
    expect(reasons).toMatch(/larger than|too large|MESSAGE_TOO_LARGE/i);
    expect(entries.some((e) => e.payload?.text.includes(refused.body.id))).toBe(true);
    // Every good payment reached its final state, so its events were published after the poison.
    for (const { body } of good) expect((await api('GET', `/v1/payments/${body.id}`)).body.status).toMatch(/processing|succeeded/);
  });
});

describe('idempotency on every mutating route', () => {
  it('replays a refund, a capture and a cancel retried with the same key, and refuses the key with another body', async () => {
    const { body: manual } = await api('POST', '/v1/payments', payment({ captureMethod: 'manual', amount: 1000 }));
    await waitFor(async () => (await api('GET', `/v1/payments/${manual.id}`)).body.status === 'requires_capture', { timeoutMs: 10_000, description: 'requires_capture' });
    const capture = () => api('POST', `/v1/payments/${manual.id}/capture`, {}, { 'idempotency-key': `cap-${manual.id}` });
    const first = await capture();
    const again = await capture();
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 200, 'true']);
    expect(again.body).toEqual(first.body);

    const refund = (amount: number) => api('POST', `/v1/payments/${manual.id}/refunds`, { amount }, { 'idempotency-key': `ref-${manual.id}` });
    expect((await refund(100)).body.amountRefunded).toBe(100);
    expect((await refund(100)).body.amountRefunded).toBe(100);
    expect((await api('GET', `/v1/payments/${manual.id}`)).body.amountRefunded).toBe(100);
    const reused = await refund(200);
    expect([reused.status, reused.body.error.code]).toEqual([422, 'idempotency_key_reused']);

    // The same key on another payment is another request.
    const { body: other } = await api('POST', '/v1/payments', payment({ captureMethod: 'manual' }));
    const cancel = (id: string) => api('POST', `/v1/payments/${id}/cancel`, {}, { 'idempotency-key': 'cancel-key' });
    expect((await cancel(other.id)).body.status).toBe('canceled');
    expect((await cancel(other.id)).headers.get('idempotent-replayed')).toBe('true');
    expect((await cancel(manual.id)).status).toBe(422);
  });
});
