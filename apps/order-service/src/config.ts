import { env } from '@payhook/platform';
import { z } from 'zod';

/** order-service settings: environment variable names are the keys. */
export const configSchema = z.object({
  ORDER_SERVICE_PORT: env.port(3003),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  ORDER_DATABASE_NAME: env.databaseName('payhook_orders'),
  KAFKA_BROKERS: env.brokers(),
  LOG_LEVEL: env.logLevel(),
});

export type OrderConfig = z.infer<typeof configSchema>;
