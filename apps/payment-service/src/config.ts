import { env } from '@payhook/platform';
import { z } from 'zod';

/** payment-service settings: environment variable names are the keys. */
export const configSchema = z.object({
  PAYMENT_SERVICE_PORT: env.port(3001),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  PAYMENT_DATABASE_NAME: env.databaseName('payhook_payments'),
  KAFKA_BROKERS: env.brokers(),
  LOG_LEVEL: env.logLevel(),
});

export type PaymentConfig = z.infer<typeof configSchema>;
