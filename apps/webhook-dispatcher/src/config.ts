import { TOPICS } from '@payhook/contracts';
import { env, parseDurationMs } from '@payhook/platform';
import { z } from 'zod';
import { parseAllowlist, type PrivateAllowlist } from './endpoints/domain/private-allowlist';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from './deliveries/domain/retry-policy';

/** webhook-dispatcher settings: environment variable names are the keys. */
export const configSchema = z.object({
  WEBHOOK_DISPATCHER_PORT: env.port(3002),
  HTTP_HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: env.postgresUrl(),
  DISPATCHER_DATABASE_NAME: env.databaseName('payhook_dispatcher'),
  KAFKA_BROKERS: env.brokers(),
  LOG_LEVEL: env.logLevel(),
  /** Bearer key every API route but /health and /docs requires. */
  DISPATCHER_API_KEY: env.secret(),
  /** Topic of the payment events to deliver, and the consumer group reading it. */
  PAYMENT_EVENTS_TOPIC: z.string().min(1).default(TOPICS.paymentEvents),
  DISPATCHER_CONSUMER_GROUP: z.string().min(1).default('webhook-dispatcher'),
  /** How long one webhook POST may take before it counts as a failed attempt. */
  WEBHOOK_TIMEOUT_MS: env.positiveInt(15_000),
  /** Waits between attempts, each ±20 % jitter; when spent the delivery is failed. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .refine((v) => parseRetrySchedule(v, parseDurationMs) !== undefined, 'must be comma-separated durations such as 5s,5m,30m')
    .transform((v) => parseRetrySchedule(v, parseDurationMs) as number[]),
  /** Upper bound on a receiver's Retry-After. */
  WEBHOOK_RETRY_AFTER_MAX: env.duration('1h'),
  /**
   * Webhook POSTs in flight at once, in all, and to any one endpoint. An endpoint takes at
   * most its concurrency over its answer time per second (64 at 40 ms: 1,600/s); at 32, a
   * receiver that commits in groups (order-service) answered too slowly on a saturated
   * machine to take 700/s (docs/benchmarks.md). A dead endpoint holds at most a quarter of the slots.
   */
  WEBHOOK_CONCURRENCY: env.positiveInt(256),
  WEBHOOK_ENDPOINT_CONCURRENCY: env.positiveInt(64),
  /** Most deliveries claimed in one query. */
  WEBHOOK_BATCH_SIZE: env.positiveInt(100),
  /** Poll interval behind LISTEN/NOTIFY. */
  WEBHOOK_POLL_INTERVAL_MS: env.positiveInt(1000),
  /**
   * Private hosts, addresses and CIDR ranges webhooks may go to although the SSRF guard
   * refuses private targets (comma-separated, e.g. `127.0.0.1,::1` for the local stack,
   * `order-service` in compose). Empty: none.
   */
  WEBHOOK_ALLOWED_PRIVATE_TARGETS: z
    .string()
    .default('')
    .superRefine((v, context) => {
      const parsed = parseAllowlist(v);
      if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error });
    })
    .transform((v) => (parseAllowlist(v) as { ok: true; allowlist: PrivateAllowlist }).allowlist),
  /** After a secret rotation, how long deliveries are signed with the old secret too. */
  WEBHOOK_SECRET_ROTATION_OVERLAP: env.duration('24h'),
  /** An endpoint failing for this long without one success is disabled. */
  WEBHOOK_DISABLE_AFTER: env.duration('5d'),
  /**
   * A delivery held for a disabled endpoint is sent when the endpoint is enabled again if
   * it is younger than this; an older one is failed then (recover can still send it).
   */
  WEBHOOK_HOLD_MAX_AGE: env.duration('3d'),
  /** Delivered deliveries (and their attempts) are removed after this long. */
  WEBHOOK_RETENTION: env.duration('7d'),
  /** Bytes of each response body kept in the attempt log. */
  WEBHOOK_RESPONSE_MAX_BYTES: env.positiveInt(1024),
});

export type DispatcherConfig = z.infer<typeof configSchema>;

export const DISPATCHER_CONFIG = Symbol('DISPATCHER_CONFIG');
