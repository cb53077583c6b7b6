import { env } from '@payhook/platform';
import { z } from 'zod';

const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''));

/** order-service settings: environment variable names are the keys. */
export const configSchema = z.object({
  ORDER_SERVICE_PORT: env.port(3003),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  ORDER_DATABASE_NAME: env.databaseName('payhook_orders'),
  LOG_LEVEL: env.logLevel(),
  /** payment-service, and its API key: each order asks it for a payment. */
  PAYMENT_SERVICE_URL: httpUrl('http://127.0.0.1:3001'),
  PAYMENT_API_KEY: env.secret(),
  /** The dispatcher, and its API key: order-service registers its webhook URL there at start. */
  WEBHOOK_DISPATCHER_URL: httpUrl('http://127.0.0.1:3002'),
  DISPATCHER_API_KEY: env.secret(),
  /** Where the dispatcher reaches this service's receiver (POST /webhooks/payments). */
  ORDER_WEBHOOK_URL: httpUrl('http://127.0.0.1:3003/webhooks/payments'),
  /** Poll interval of the payment-request outbox behind LISTEN/NOTIFY. */
  PAYMENT_REQUEST_POLL_INTERVAL_MS: env.positiveInt(1000),
  /**
   * Reconciliation: an order still waiting on its payment this long after it was placed is
   * checked against payment-service's API, and again every ORDER_RECONCILE_EVERY while it
   * waits (for at most 7 days after it was placed).
   */
  ORDER_RECONCILE_AFTER: env.duration('2m'),
  ORDER_RECONCILE_EVERY: env.duration('1m'),
  /**
   * Webhook-ids are remembered this long (the inbox). It must outlast every redelivery:
   * the dispatcher's retry schedule (about 33 h by default), its hold limit and a recover.
   * A copy older than this is still harmless: its version is not newer than the order's.
   */
  ORDER_INBOX_RETENTION: env.duration('30d'),
});

export type OrderConfig = z.infer<typeof configSchema>;

export const ORDER_CONFIG = Symbol('ORDER_CONFIG');
