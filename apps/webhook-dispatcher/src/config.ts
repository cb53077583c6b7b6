import { env } from '@payhook/platform';
import { z } from 'zod';

/** webhook-dispatcher settings: environment variable names are the keys. */
export const configSchema = z.object({
  WEBHOOK_DISPATCHER_PORT: env.port(3002),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  DISPATCHER_DATABASE_NAME: env.databaseName('payhook_dispatcher'),
  KAFKA_BROKERS: env.brokers(),
  LOG_LEVEL: env.logLevel(),
});

export type DispatcherConfig = z.infer<typeof configSchema>;
