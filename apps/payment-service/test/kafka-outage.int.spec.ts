import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { parsePaymentEvent } from '@payhook/contracts';
import { createKafka, MessageConsumer } from '@payhook/messaging';
import { loadConfig } from '@payhook/platform';
import { currentRunId, repoRoot, startKafka, stopKafka, testDatabaseName, waitFor } from '@payhook/testkit';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';

// A broker of this test's own, so it can be stopped without disturbing other tests.
const broker = { port: 19392, controllerPort: 19393, homeDir: join(repoRoot(), '.payhook', `kafka-outage-${currentRunId()}`) };
const API_KEY = 'sk_test_integration_key_0123456789';
const TOPIC = 'payments.events.v1';

let app: INestApplication;
let baseUrl: string;

async function createPayment(i: number): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: `ord_${i}`, amount: 100 + i, currency: 'USD', paymentMethod: '4242424242424242' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  await startKafka(broker);
  const config = loadConfig(configSchema, {
    ...process.env,
    KAFKA_BROKERS: `127.0.0.1:${broker.port}`,
    PAYMENT_API_KEY: API_KEY,
    PAYMENT_DATABASE_NAME: testDatabaseName('payments_outage'),
    PAYMENT_PROCESSING_DELAY_MS: '20',
    OUTBOX_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: 'silent',
  });
  app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
}, 120_000);

afterAll(async () => {
  if (!app) return;
  await app.close();
  await stopKafka(broker);
  rmSync(broker.homeDir, { recursive: true, force: true });
}, 60_000);

it('accepts payments while Kafka is down and publishes every event, in order, when it is back', async () => {
  const dataSource = app.get(DataSource);
  const before = await Promise.all([0, 1, 2].map(createPayment));

  await stopKafka(broker);
  const during = await Promise.all([3, 4, 5, 6, 7, 8].map(createPayment));
  // Processing goes on without Kafka; the events pile up in the outbox.
  await waitFor(
    async () => (await dataSource.query("SELECT count(*)::int AS n FROM events WHERE type = 'payment.succeeded'"))[0].n === 9,
    { timeoutMs: 15_000, description: 'all nine payments processed during the outage' },
  );
  expect((await dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n).toBeGreaterThan(0);

  await startKafka(broker);
  await waitFor(async () => (await dataSource.query('SELECT count(*)::int AS n FROM outbox'))[0].n === 0, {
    timeoutMs: 60_000,
    description: 'the outbox to drain once Kafka is back',
  });

  const seen: Array<{ id: string; payment: string; version: number }> = [];
  const consumer = new MessageConsumer(createKafka({ brokers: `127.0.0.1:${broker.port}`, clientId: 'outage-test', log: () => undefined }), {
    groupId: 'outage-test-reader',
    topics: [TOPIC],
    handler: async (messages) => {
      for (const m of messages) {
        const event = parsePaymentEvent(JSON.parse(m.value!.toString()));
        if (event.ok) seen.push({ id: event.value.id, payment: event.value.data.object.id, version: event.value.data.object.version });
      }
    },
  });
  await consumer.start();
  try {
    const stored: Array<{ event_id: string }> = await dataSource.query('SELECT event_id FROM events');
    await waitFor(() => new Set(seen.map((s) => s.id)).size >= stored.length, { timeoutMs: 30_000, description: 'every event read back' });
    expect(new Set(seen.map((s) => s.id))).toEqual(new Set(stored.map((s) => s.event_id)));
    for (const payment of [...before, ...during]) {
      const versions = seen.filter((s) => s.payment === payment).map((s) => s.version);
      // At least once: a resend may repeat, but never reorder; first sightings are 1, 2.
      expect([...new Set(versions)]).toEqual([1, 2]);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
  } finally {
    await consumer.stop();
  }
}, 150_000);
