import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { createKafka, MessageProducer } from '@payhook/messaging';
import { loadConfig } from '@payhook/platform';
import { apiClient, testDatabaseName, testTopic, waitFor, WebhookReceiver, type Reply } from '@payhook/testkit';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';
import { paymentEvent } from './support';

// Outside bytes are data: whatever a receiver answers is recorded and the schedule moves
// on; whatever lands on the topic, a bad message is quarantined and the rest delivered.
const API_KEY = 'sk_test_dispatcher_poison_0123';
const TOPIC = testTopic('payments.events.v1.poison');
const env = {
  DISPATCHER_API_KEY: API_KEY,
  DISPATCHER_DATABASE_NAME: testDatabaseName('dispatcher_poison'),
  PAYMENT_EVENTS_TOPIC: TOPIC,
  DISPATCHER_CONSUMER_GROUP: `${TOPIC}.dispatcher`,
  WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms',
  WEBHOOK_TIMEOUT_MS: '1500',
  WEBHOOK_POLL_INTERVAL_MS: '200',
  LOG_LEVEL: 'fatal',
};

let app: INestApplication;
let baseUrl: string;
let producer: MessageProducer;
const api = apiClient(() => baseUrl, API_KEY);

beforeAll(async () => {
  const config = loadConfig(configSchema, { ...process.env, ...env });
  app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  producer = new MessageProducer(createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'dispatcher-poison-test', log: () => undefined }));
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
});

async function publishRaw(messages: Array<{ key: string; value: string | Buffer }>): Promise<void> {
  await producer.send(TOPIC, messages);
}

const publish = (...events: PaymentEvent[]) =>
  publishRaw(events.map((e) => ({ key: e.data.object.id, value: JSON.stringify(e) })));

/** Runs `body` with a receiver that answers `reply`, registered as an endpoint; both go afterwards. */
async function withReceiver(reply: Reply, body: (endpointId: string, receiver: WebhookReceiver) => Promise<void>): Promise<void> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  receiver.respondWith(() => reply);
  const created = await api('POST', '/v1/endpoints', { url: receiver.url });
  try {
    await body(created.body.id, receiver);
  } finally {
    await api('DELETE', `/v1/endpoints/${created.body.id}`);
    await receiver.stop();
  }
}

describe('a receiver answering odd bytes', () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"ok":true}', 'utf16le')]);
  it.each([
    ['200 with a NUL byte', { status: 200, body: 'accepted\u0000thanks' }, 'delivered', 1],
    ['200 in UTF-16', { status: 200, body: utf16 }, 'delivered', 1],
    ['200 with bytes that are not UTF-8', { status: 200, body: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) }, 'delivered', 1],
    ['500 with a NUL byte', { status: 500, body: Buffer.from('error\u0000\u0001\u0002') }, 'failed', 4],
    ['503 with a Retry-After that is not a date', { status: 503, headers: { 'retry-after': 'soon\u00ff' }, body: 'busy' }, 'failed', 4],
  ] as Array<[string, Reply, string, number]>)('%s: every attempt is recorded, with the exact bytes, and the schedule moves on', async (_case, reply, status, attempts) => {
    await withReceiver(reply, async (endpointId) => {
      await publish(paymentEvent(), paymentEvent());
      const settled = await waitFor(
        async () => {
          const { body } = await api('GET', `/v1/endpoints/${endpointId}/deliveries?limit=10`);
          return body.data.length === 2 && body.data.every((d: { status: string }) => d.status === status) ? body.data : undefined;
        },
        { timeoutMs: 20_000, description: `both deliveries ${status}` },
      );
      for (const delivery of settled) {
        const { body } = await api('GET', `/v1/deliveries/${delivery.id}`);
        expect(body.attempts).toBe(attempts);
        expect(body.attemptLog).toHaveLength(attempts);
        const sent = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '');
        expect(Buffer.from(body.attemptLog[0].responseBodyBase64, 'base64').equals(sent)).toBe(true);
        expect(typeof body.attemptLog[0].responseBody).toBe('string');
      }
    });
  }, 40_000);
});

describe('the ingest', () => {
  it('quarantines messages that are not payment events, and events it cannot store, and delivers the rest', async () => {
    await withReceiver({ status: 204 }, async (endpointId) => {
      const good = [paymentEvent(), paymentEvent()];
      const nulId = { ...paymentEvent(), id: `evt_${randomUUID().slice(0, 8)}\u0000` };
      await publishRaw([
        { key: 'a', value: Buffer.from([0x00, 0xff, 0x10]) },
        { key: 'b', value: JSON.stringify({ hello: 'world' }) },
        { key: 'c', value: JSON.stringify(nulId) },
        ...good.map((e) => ({ key: e.data.object.id, value: JSON.stringify(e) })),
      ]);
      await waitFor(
        async () => {
          const { body } = await api('GET', `/v1/endpoints/${endpointId}/deliveries?status=delivered`);
          return body.data.length === good.length;
        },
        { timeoutMs: 20_000, description: 'the good events delivered' },
      );
      const { body } = await api('GET', '/v1/quarantine?worker=ingest');
      const reasons = body.data.map((q: { reason: string }) => q.reason);
      expect(reasons).toEqual(expect.arrayContaining([
        'not a payment event: not JSON',
        expect.stringMatching(/^not a payment event: id: Required|^not a payment event: /),
        expect.stringMatching(/SQLSTATE 22/),
      ]));
      const raw = body.data.find((q: { payload: { base64: string } }) => q.payload.base64 === Buffer.from([0x00, 0xff, 0x10]).toString('base64'));
      expect(raw).toBeDefined();
    });
  }, 40_000);
});

describe('idempotency of management calls', () => {
  it('replays create, patch, rotate, retry, recover and delete retried with the same key', async () => {
    const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });
    const createKey = key();
    const first = await api('POST', '/v1/endpoints', { url: 'https://example.com/idem' }, createKey);
    const second = await api('POST', '/v1/endpoints', { url: 'https://example.com/idem' }, createKey);
    expect([first.status, second.status, second.body.id]).toEqual([201, 201, first.body.id]);
    const reused = await api('POST', '/v1/endpoints', { url: 'https://example.com/other' }, createKey);
    expect([reused.status, reused.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    const id = first.body.id;

    const rotateKey = key();
    const rotated = await api('POST', `/v1/endpoints/${id}/secret/rotate`, undefined, rotateKey);
    const rotatedAgain = await api('POST', `/v1/endpoints/${id}/secret/rotate`, undefined, rotateKey);
    expect(rotatedAgain.body.secret).toBe(rotated.body.secret);

    const patchKey = key();
    expect((await api('PATCH', `/v1/endpoints/${id}`, { description: 'once' }, patchKey)).status).toBe(200);
    expect((await api('PATCH', `/v1/endpoints/${id}`, { description: 'once' }, patchKey)).body.description).toBe('once');

    const recoverKey = key();
    const since = { since: '2020-01-01T00:00:00Z' };
    expect((await api('POST', `/v1/endpoints/${id}/recover`, since, recoverKey)).body).toEqual({ recovered: 0 });
    expect((await api('POST', `/v1/endpoints/${id}/recover`, since, recoverKey)).status).toBe(202);

    const deleteKey = key();
    expect((await api('DELETE', `/v1/endpoints/${id}`, undefined, deleteKey)).status).toBe(204);
    // Without the key a second delete is a 404; with it, the first answer again.
    expect((await api('DELETE', `/v1/endpoints/${id}`, undefined, deleteKey)).status).toBe(204);
    expect((await api('DELETE', `/v1/endpoints/${id}`)).status).toBe(404);
  });
});
