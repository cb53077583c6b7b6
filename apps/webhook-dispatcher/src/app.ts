import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@payhook/platform';
import type { DispatcherConfig } from './config';
import { migrations } from './database/migrations';
import { DispatcherModule } from './dispatcher.module';
import { addWebhooks } from './event-types/webhooks-document';

export async function createApp(config: DispatcherConfig): Promise<INestApplication> {
  return bootstrapApp({
    service: 'webhook-dispatcher',
    title: 'Payhook webhook-dispatcher',
    description: 'Webhook endpoints, and signed delivery of payment events with retries, an attempt log and replay.',
    infrastructure: {
      databaseUrl: config.DATABASE_URL,
      databaseName: config.DISPATCHER_DATABASE_NAME,
      kafkaBrokers: config.KAFKA_BROKERS,
      logLevel: config.LOG_LEVEL,
    },
    entities: [],
    migrations,
    topics: [{ topic: config.PAYMENT_EVENTS_TOPIC, partitions: 6 }],
    // Pool: the delivery workers record attempts concurrently, plus the API and the consumer.
    poolSize: 20,
    extendDocument: addWebhooks,
    rootModule: (core) => ({ module: class WebhookDispatcherModule {}, imports: [core, DispatcherModule.register(config)] }),
  });
}
