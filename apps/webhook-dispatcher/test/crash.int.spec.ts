import { join } from 'node:path';
import { createKafka, MessageProducer } from '@payhook/messaging';
import { apiClient, AppProcess, repoRoot, testDatabaseName, testTopic, waitFor, WebhookReceiver } from '@payhook/testkit';
import { paymentEvent } from './support';

// The dispatcher as a real process, killed with SIGKILL in the middle of a batch.
const API_KEY = 'sk_test_dispatcher_integration_0123';
const TOPIC = testTopic('payments.events.v1');
const baseUrl = 'http://127.0.0.1:13302';
const api = apiClient(() => baseUrl, API_KEY);

const dispatcher = new AppProcess({
  app: 'webhook-dispatcher',
  baseUrl,
  output: join(repoRoot(), '.payhook', 'logs', 'dispatcher-crash-test.log'),
  env: {
    WEBHOOK_DISPATCHER_PORT: '13302',
    DISPATCHER_API_KEY: API_KEY,
    DISPATCHER_DATABASE_NAME: testDatabaseName('dispatcher_crash'),
    PAYMENT_EVENTS_TOPIC: TOPIC,
    DISPATCHER_CONSUMER_GROUP: `${TOPIC}.dispatcher`,
    WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,2s',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_ENDPOINT_CONCURRENCY: '10',
    LOG_LEVEL: 'warn',
  },
});
const receiver = new WebhookReceiver();
let producer: MessageProducer;

beforeAll(async () => {
  producer = new MessageProducer(createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'crash-test', log: () => undefined }));
  await producer.connect();
  await receiver.start();
  await dispatcher.start();
}, 60_000);

afterAll(async () => {
  await dispatcher.stop().catch(() => undefined);
  await receiver.stop();
  await producer?.disconnect();
});

it('loses no delivery when the worker is killed with SIGKILL mid-batch', async () => {
  const created = await api('POST', '/v1/endpoints', { url: receiver.url });
  receiver.setSecrets([created.body.secret]);
  // Slow answers keep a batch in flight when the kill comes.
  receiver.respondWith(() => ({ status: 204, delayMs: 150 }));
  const events = Array.from({ length: 60 }, () => paymentEvent());
  await producer.send(
    TOPIC,
    events.map((e) => ({ key: e.data.object.id, value: JSON.stringify(e) })),
  );
  await receiver.waitUntil((r) => r.length >= 10, 'the first webhooks to arrive');
  await dispatcher.kill();
  const beforeRestart = receiver.received.length;
  expect(beforeRestart).toBeLessThan(60);

  await dispatcher.start();
  // Rows the dead worker held come back when their lease (2 × timeout + 5 s) runs out.
  await waitFor(
    async () => {
      const { body } = await api('GET', `/v1/endpoints/${created.body.id}/deliveries?status=delivered&limit=500`);
      return body.data.length === 60;
    },
    { timeoutMs: 45_000, description: 'all 60 deliveries delivered after the restart' },
  );
  const seen = new Set(receiver.received.map((r) => JSON.parse(r.body).id));
  expect(seen).toEqual(new Set(events.map((e) => e.id)));
  expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
  const { body } = await api('GET', `/v1/endpoints/${created.body.id}/deliveries?limit=500`);
  expect(body.data).toHaveLength(60); // one delivery per event: duplicates on the wire only
}, 90_000);
