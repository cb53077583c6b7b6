import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@payhook/platform';
import type { OrderConfig } from './config';
import { migrations } from './database/migrations';
import { OrdersModule } from './orders.module';

export async function createApp(config: OrderConfig): Promise<INestApplication> {
  return bootstrapApp({
    service: 'order-service',
    title: 'Payhook order-service',
    description: 'Orders, paid by verified, idempotent payment webhooks.',
    infrastructure: {
      databaseUrl: config.DATABASE_URL,
      databaseName: config.ORDER_DATABASE_NAME,
      logLevel: config.LOG_LEVEL,
    },
    entities: [],
    migrations,
    rootModule: (core) => ({ module: class OrderServiceModule {}, imports: [core, OrdersModule.register(config)] }),
  });
}
