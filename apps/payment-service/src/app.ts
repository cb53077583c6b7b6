import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@payhook/platform';
import type { PaymentConfig } from './config';
import { migrations } from './database/migrations';
import { PaymentsModule } from './payments/payments.module';

export async function createApp(config: PaymentConfig): Promise<INestApplication> {
  return bootstrapApp({
    service: 'payment-service',
    title: 'Payhook payment-service',
    description: 'A mock payment provider: event-sourced payments published through a transactional outbox.',
    infrastructure: {
      databaseUrl: config.DATABASE_URL,
      databaseName: config.PAYMENT_DATABASE_NAME,
      kafkaBrokers: config.KAFKA_BROKERS,
      logLevel: config.LOG_LEVEL,
    },
    entities: [],
    migrations,
    topics: [{ topic: config.PAYMENT_EVENTS_TOPIC, partitions: 6 }],
    rootModule: (core) => ({ module: class PaymentServiceModule {}, imports: [core, PaymentsModule.register(config)] }),
  });
}
