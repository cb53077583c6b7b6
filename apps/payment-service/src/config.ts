import { env } from '@payhook/platform';
import { z } from 'zod';
import { TOPICS } from '@payhook/contracts';

/** payment-service settings: environment variable names are the keys. */
export const configSchema = z.object({
  PAYMENT_SERVICE_PORT: env.port(3001),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  PAYMENT_DATABASE_NAME: env.databaseName('payhook_payments'),
  KAFKA_BROKERS: env.brokers(),
  /** Topic the outbox relay publishes to (tests use their own). */
  PAYMENT_EVENTS_TOPIC: z.string().min(1).default(TOPICS.paymentEvents),
  LOG_LEVEL: env.logLevel(),
  /** Bearer key every API route but /health and /docs requires. */
  PAYMENT_API_KEY: env.secret(),
  /** How long a payment stays `processing` before its card decides the outcome. */
  PAYMENT_PROCESSING_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** Most outbox rows published to Kafka in one batch. */
  OUTBOX_BATCH_SIZE: env.positiveInt(500),
  /**
   * Largest produce request the relay sends (the broker's message.max.bytes is 1 MiB by
   * default); a single event larger than this is quarantined instead of blocking the outbox.
   */
  KAFKA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(1_000_000),
  /** Outbox poll interval behind LISTEN/NOTIFY. */
  OUTBOX_POLL_INTERVAL_MS: env.positiveInt(1000),
});

export type PaymentConfig = z.infer<typeof configSchema>;

export const PAYMENT_CONFIG = Symbol('PAYMENT_CONFIG');
