import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { PaymentEvent, PaymentEventType } from '@payhook/contracts';
import { createKafka, MessageProducer } from '@payhook/messaging';
import { loadConfig } from '@payhook/platform';
import { apiClient, testDatabaseName, testTopic, waitFor, WebhookReceiver } from '@payhook/testkit';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';

export const API_KEY = 'sk_test_dispatcher_integration_0123';

/** A well-formed payment event as payment-service publishes it. */
export function paymentEvent(type: PaymentEventType = 'payment.succeeded', version = 2): PaymentEvent {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    type,
    createdAt: now,
    data: {
      object: {
        id: `pay_${randomUUID().replace(/-/g, '')}`,
        orderId: `ord_${randomUUID().slice(0, 8)}`,
        amount: 1250,
        currency: 'EUR',
        status: type === 'payment.failed' ? 'failed' : 'succeeded',
        captureMethod: 'automatic',
        amountCaptured: 1250,
        amountRefunded: 0,
        failureCode: null,
        metadata: {},
        version,
        createdAt: now,
        updatedAt: now,
      },
    },
  };
}

/**
 * The dispatcher in process on real Postgres and Kafka, with a producer onto its topic and
 * receivers registered as endpoints. `stop()` (in afterAll) closes all of it, whatever failed.
 */
export class InProcessDispatcher {
  app!: INestApplication;
  readonly api: ReturnType<typeof apiClient>;
  readonly topic: string;
  private baseUrl = '';
  private producer?: MessageProducer;
  private readonly receivers: WebhookReceiver[] = [];
  private readonly endpoints: string[] = [];

  constructor(
    name: string,
    private readonly env: Record<string, string>,
  ) {
    this.topic = testTopic(`payments.events.v1.${name}`);
    this.env = {
      DISPATCHER_API_KEY: API_KEY,
      DISPATCHER_DATABASE_NAME: testDatabaseName(`dispatcher_${name}`),
      PAYMENT_EVENTS_TOPIC: this.topic,
      DISPATCHER_CONSUMER_GROUP: `${this.topic}.dispatcher`,
      WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    };
    this.api = apiClient(() => this.baseUrl, API_KEY);
  }

  get url(): string {
    return this.baseUrl;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async start(): Promise<void> {
    const config = loadConfig(configSchema, { ...process.env, ...this.env });
    this.app = await createApp(config);
    await this.app.listen(0, '127.0.0.1');
    this.baseUrl = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.producer = new MessageProducer(createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${this.topic}.test`, log: () => undefined }));
    await this.producer.connect();
  }

  async publish(...events: PaymentEvent[]): Promise<void> {
    await this.producer!.send(
      this.topic,
      events.map((e) => ({ key: e.data.object.id, value: JSON.stringify(e), headers: { 'event-id': e.id, 'event-type': e.type } })),
    );
  }

  /** A started receiver and an endpoint registered for it; both go in removeEndpoints(). */
  async receiverWithEndpoint(options: Record<string, unknown> = {}): Promise<{ receiver: WebhookReceiver; endpoint: { id: string; secret: string } }> {
    const receiver = new WebhookReceiver();
    this.receivers.push(receiver);
    await receiver.start();
    const created = await this.api('POST', '/v1/endpoints', { url: receiver.url, ...options });
    if (created.status !== 201) throw new Error(`endpoint not created: ${created.status} ${JSON.stringify(created.body)}`);
    receiver.setSecrets([created.body.secret]);
    this.endpoints.push(created.body.id);
    return { receiver, endpoint: created.body as { id: string; secret: string } };
  }

  async deliveriesOf(endpointId: string, status?: string): Promise<Array<{ id: string; eventId: string; status: string; attempts: number; lastError: string | null }>> {
    const { body } = await this.api('GET', `/v1/endpoints/${endpointId}/deliveries?limit=500${status ? `&status=${status}` : ''}`);
    return body.data;
  }

  settled(endpointId: string, status: string, count: number, timeoutMs = 15_000): Promise<unknown> {
    return waitFor(async () => (await this.deliveriesOf(endpointId, status)).length >= count, {
      timeoutMs,
      description: `${count} ${status} deliveries to ${endpointId}`,
    });
  }

  /** An endpoint id or a receiver a test made itself, removed with the rest. */
  removeLater(item: string | WebhookReceiver): void {
    if (typeof item === 'string') this.endpoints.push(item);
    else this.receivers.push(item);
  }

  /** Deletes the endpoints and stops the receivers made so far (afterEach). */
  async removeEndpoints(): Promise<void> {
    for (const id of this.endpoints.splice(0)) await this.api('DELETE', `/v1/endpoints/${id}`).catch(() => undefined);
    for (const receiver of this.receivers.splice(0)) await receiver.stop();
  }

  async stop(): Promise<void> {
    try {
      await this.removeEndpoints();
    } finally {
      await this.producer?.disconnect().catch(() => undefined);
      await this.app?.close();
    }
  }
}
