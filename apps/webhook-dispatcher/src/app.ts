import type { INestApplication } from '@nestjs/common';
import { TOPICS } from '@payhook/contracts';
import { bootstrapApp } from '@payhook/platform';
import type { DispatcherConfig } from './config';

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
    migrations: [],
    topics: [{ topic: TOPICS.paymentEvents, partitions: 6 }],
    rootModule: (core) => ({ module: class WebhookDispatcherModule {}, imports: [core] }),
  });
}
