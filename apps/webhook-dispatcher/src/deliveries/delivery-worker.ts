import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { databaseUrl, errorReason, GroupCommit, isTransientError, LOGGER, Quarantine, retryOnConflict, storableText, WorkerLoop } from '@payhook/platform';
import { signedHeaders } from '@payhook/webhook-signature';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { disableEndpoint } from '../endpoints/endpoint-status';
import { decideOutcome, isGone, isSuccess } from './domain/retry-policy';
import { TokenBucket } from './domain/token-bucket';
import { postWebhook, type SendResult } from './http-sender';

interface Success {
  id: string;
  endpointId: string;
  attempts: number;
  attemptedAt: Date;
  statusCode: number;
  durationMs: number;
  responseBody?: Buffer;
}

interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  rate_limit_per_second: number | null;
  body: string;
  secrets: string[];
}

/**
 * Claims due deliveries in one statement: per enabled endpoint at most `slots` rows (its
 * free concurrency, or its rate-limit tokens), so one slow or dead endpoint never fills
 * the batch; rows another worker holds are skipped, and the lease brings back the rows
 * of a worker that died. The row lock ends with the statement, before any HTTP call.
 * Only endpoints with pending deliveries are visited (a skip scan of deliveries_due), and
 * endpoints are only ever read by id (LATERAL … LIMIT 1 keeps the planner from scanning
 * them), so its cost follows the busy endpoints, not all of them.
 */
export const CLAIM_DUE_DELIVERIES = `
  WITH RECURSIVE busy AS (
    (SELECT endpoint_id FROM deliveries WHERE status = 'pending' ORDER BY endpoint_id LIMIT 1)
    UNION ALL
    SELECT (SELECT d.endpoint_id FROM deliveries d WHERE d.status = 'pending' AND d.endpoint_id > busy.endpoint_id ORDER BY d.endpoint_id LIMIT 1)
    FROM busy WHERE busy.endpoint_id IS NOT NULL
  ), candidates AS (
    SELECT d.id FROM busy
    CROSS JOIN LATERAL (SELECT id, status FROM endpoints WHERE id = busy.endpoint_id LIMIT 1) e
    CROSS JOIN LATERAL (
      SELECT id, next_attempt_at FROM deliveries
      WHERE endpoint_id = e.id AND status = 'pending' AND next_attempt_at <= now()
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_attempt_at, id
      LIMIT GREATEST(COALESCE(($3::jsonb ->> e.id)::int, $2), 0)
    ) d
    WHERE e.status = 'enabled'
    ORDER BY d.next_attempt_at, d.id
    LIMIT $1
  ), locked AS (
    SELECT d.id FROM candidates c JOIN deliveries d ON d.id = c.id
    WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until < now())
    FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE deliveries d SET lease_until = now() + $4 * interval '1 millisecond'
    FROM locked WHERE d.id = locked.id
    RETURNING d.id, d.endpoint_id, d.event_id, d.attempts
  )
  SELECT c.id, c.endpoint_id, c.attempts, e.url, e.rate_limit_per_second, ev.body,
    ARRAY(SELECT s.secret FROM endpoint_secrets s
          WHERE s.endpoint_id = c.endpoint_id AND (s.expires_at IS NULL OR s.expires_at > now())
          ORDER BY s.id DESC) AS secrets
  FROM claimed c
  CROSS JOIN LATERAL (SELECT url, rate_limit_per_second FROM endpoints WHERE id = c.endpoint_id LIMIT 1) e
  CROSS JOIN LATERAL (SELECT body FROM events WHERE id = c.event_id LIMIT 1) ev`;

/** A rate-limit bucket unused this long is dropped (a fresh one is the same). */
const BUCKET_IDLE_MS = 60_000;

/** Sends deliveries: signs, POSTs, records the attempt and decides what comes next. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  /** Per-endpoint state, bounded: in-flight counts go at zero, saturation on release, buckets when idle. */
  private readonly inFlightByEndpoint = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sends = new Set<Promise<void>>();
  /**
   * Endpoints whose last claim filled every slot they had, so more may be due: a freed
   * slot claims again. Others need no claim per send (new rows come with a NOTIFY).
   */
  private readonly saturated = new Set<string>();
  /** The last claim used every free slot of this worker. */
  private full = false;
  private readonly leaseMs: number;
  /** Successful attempts, recorded many to a transaction under load. */
  private readonly successes = new GroupCommit<Success>((batch) => this.recordSuccesses(batch));

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    private readonly quarantine: Quarantine,
  ) {
    // Longer than any attempt can take (with recording), so a live worker keeps its rows.
    this.leaseMs = 2 * config.WEBHOOK_TIMEOUT_MS + 5_000;
    this.loop = new WorkerLoop({
      name: 'delivery-worker',
      logger,
      idleMs: config.WEBHOOK_POLL_INTERVAL_MS,
      batchSize: config.WEBHOOK_BATCH_SIZE,
      runOnce: () => this.claimAndSend(),
      wakeOn: { connectionString: databaseUrl(config.DATABASE_URL, config.DISPATCHER_DATABASE_NAME), channel: 'deliveries' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  /** Stops claiming, then waits for the sends in flight (each bounded by the timeout). */
  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.sends);
  }

  /** Wakes the loop now (a retry or recover in this process). */
  kick(): void {
    this.loop.kick();
  }

  private async claimAndSend(): Promise<number> {
    const free = this.config.WEBHOOK_CONCURRENCY - this.sends.size;
    if (free <= 0) return 0;
    const now = Date.now();
    const cap = this.config.WEBHOOK_ENDPOINT_CONCURRENCY;
    const slots: Record<string, number> = {};
    for (const [endpoint, count] of this.inFlightByEndpoint) slots[endpoint] = cap - count;
    for (const [endpoint, bucket] of this.buckets) {
      // Bounded: a bucket idle for a minute (its endpoint quiet, deleted or unlimited) goes.
      if (bucket.isIdle(now, BUCKET_IDLE_MS)) this.buckets.delete(endpoint);
      else slots[endpoint] = Math.min(slots[endpoint] ?? cap, bucket.available(now));
    }
    const limit = Math.min(free, this.config.WEBHOOK_BATCH_SIZE);
    const rows: ClaimedDelivery[] = await this.dataSource.query(CLAIM_DUE_DELIVERIES, [limit, cap, JSON.stringify(slots), this.leaseMs]);
    this.full = rows.length === limit;
    const claimed = new Map<string, number>();
    for (const row of rows) claimed.set(row.endpoint_id, (claimed.get(row.endpoint_id) ?? 0) + 1);
    for (const [endpoint, count] of claimed) if (count >= (slots[endpoint] ?? cap)) this.saturated.add(endpoint);
    let nextTokenMs: number | undefined;
    for (const row of rows) {
      const bucket = this.bucketFor(row, now);
      if (bucket && !bucket.take(now)) {
        const waitMs = bucket.waitMs(now);
        await this.postpone(row.id, waitMs);
        nextTokenMs = Math.min(nextTokenMs ?? waitMs, waitMs);
        continue;
      }
      this.start(row);
    }
    // Postponed rows are due when the endpoint's next token is: claim then, not at the next poll.
    if (nextTokenMs !== undefined) setTimeout(() => this.loop.kick(), Math.max(nextTokenMs, 10)).unref();
    return rows.length;
  }

  private bucketFor(row: ClaimedDelivery, now: number): TokenBucket | undefined {
    const rate = row.rate_limit_per_second;
    if (rate === null) {
      this.buckets.delete(row.endpoint_id);
      return undefined;
    }
    const bucket = this.buckets.get(row.endpoint_id) ?? new TokenBucket(rate, now);
    bucket.setRate(rate);
    this.buckets.set(row.endpoint_id, bucket);
    return bucket;
  }

  /** Over the endpoint's rate: back in the queue, no attempt counted. */
  private async postpone(id: string, waitMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET lease_until = NULL, next_attempt_at = now() + $2 * interval '1 millisecond' WHERE id = $1`,
      [id, Math.max(waitMs, 10)],
    );
  }

  private start(row: ClaimedDelivery): void {
    this.inFlightByEndpoint.set(row.endpoint_id, (this.inFlightByEndpoint.get(row.endpoint_id) ?? 0) + 1);
    // The endpoint's slot is free once its answer is in; recording needs no slot (the lease keeps the row).
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.inFlightByEndpoint.get(row.endpoint_id) ?? 1) - 1;
      if (left > 0) this.inFlightByEndpoint.set(row.endpoint_id, left);
      else this.inFlightByEndpoint.delete(row.endpoint_id);
      if (this.full || this.saturated.has(row.endpoint_id)) {
        this.full = false;
        this.saturated.delete(row.endpoint_id);
        this.loop.kick();
      }
    };
    const send = this.deliver(row, release)
      .catch((error: unknown) => this.setAside(row, error))
      .finally(() => {
        this.sends.delete(send);
        release();
      });
    this.sends.add(send);
  }

  private async deliver(row: ClaimedDelivery, release: () => void): Promise<void> {
    const attemptedAt = new Date();
    const headers = signedHeaders(row.secrets, row.id, Math.floor(attemptedAt.getTime() / 1000), row.body);
    const result = await postWebhook(row.url, { ...headers }, row.body, {
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: this.config.WEBHOOK_RESPONSE_MAX_BYTES,
      allowlist: this.config.WEBHOOK_ALLOWED_PRIVATE_TARGETS,
    });
    release();
    await this.record(row, attemptedAt, result);
  }

  private async record(row: ClaimedDelivery, attemptedAt: Date, result: SendResult): Promise<void> {
    const attempts = row.attempts + 1;
    if (result.kind === 'response' && isSuccess(result)) {
      await this.successes.add({ id: row.id, endpointId: row.endpoint_id, attempts, attemptedAt, statusCode: result.statusCode, durationMs: result.durationMs, responseBody: result.responseBody });
      return;
    }
    const outcome = decideOutcome({
      result,
      attempts,
      scheduleMs: this.config.WEBHOOK_RETRY_SCHEDULE,
      now: Date.now(),
      random: Math.random(),
      retryAfterMaxMs: this.config.WEBHOOK_RETRY_AFTER_MAX,
    });
    const statusCode = result.kind === 'response' ? result.statusCode : null;
    const error = result.kind === 'error' ? storableText(result.error) : isSuccess(result) ? null : `HTTP ${result.statusCode}`;
    // The endpoint's row first, then the delivery's (endpoint-status.ts): one lock order.
    await retryOnConflict(() => this.dataSource.transaction(async (manager) => {
      const [[endpoint]]: [Array<{ status: string; failing_for_ms: string }>, number] = await manager.query(
        `UPDATE endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1
         RETURNING status, (extract(epoch FROM now() - failing_since) * 1000)::bigint AS failing_for_ms`,
        [row.endpoint_id],
      );
      // Deleted with its endpoint while the POST was in flight: nothing left to record.
      if (!endpoint) return;
      // Disabled while the POST was in flight: the next attempt waits for it to be enabled.
      const status = outcome.status === 'pending' && endpoint.status === 'disabled' ? 'held' : outcome.status;
      await manager.query(
        `UPDATE deliveries SET status = $2, attempts = $3, lease_until = NULL,
           next_attempt_at = COALESCE($4, next_attempt_at), last_status_code = $5, last_error = $6, updated_at = now()
         WHERE id = $1`,
        [row.id, status, attempts, outcome.status === 'pending' ? new Date(outcome.nextAttemptAt) : null, statusCode, error],
      );
      await manager.query(
        `INSERT INTO delivery_attempts (delivery_id, attempted_at, duration_ms, status_code, error, response_body)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.id, attemptedAt, result.durationMs, statusCode, error, result.responseBody ?? null],
      );
      if (isGone(result)) {
        await disableEndpoint(manager, row.endpoint_id, 'the receiver answered 410 Gone');
      } else if (Number(endpoint.failing_for_ms) >= this.config.WEBHOOK_DISABLE_AFTER) {
        await disableEndpoint(manager, row.endpoint_id, `no successful delivery for ${Math.round(Number(endpoint.failing_for_ms) / 3_600_000)} h`);
      }
    }));
  }

  /**
   * An attempt that could not be recorded. If the database is away, the lease runs out and
   * the delivery is sent again: at least once, never lost. If this delivery's record fails
   * on its own, it is quarantined (status `quarantined`, the reason kept) rather than
   * re-sent every lease period for ever; POST /v1/deliveries/:id/retry sends it again.
   */
  private async setAside(row: ClaimedDelivery, error: unknown): Promise<void> {
    if (isTransientError(error)) {
      this.logger.error({ err: error, deliveryId: row.id }, 'could not record a delivery attempt; the lease brings it back');
      return;
    }
    const reason = `could not record the attempt: ${errorReason(error)}`;
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE deliveries SET status = 'quarantined', last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1`,
          [row.id, reason],
        );
        await this.quarantine.setAside({ worker: 'delivery-worker', recordId: row.id, reason }, manager);
      });
    } catch (failure) {
      this.logger.error({ err: failure, deliveryId: row.id }, 'could not quarantine a delivery; the lease brings it back');
    }
  }

  /**
   * A batch of 2xx attempts in one transaction: their endpoints are share-locked first (in
   * id order, so a disable or delete waits rather than deadlocks), then one statement marks
   * the deliveries delivered and logs their attempts, and the endpoints' failing clocks are
   * cleared. A delivery deleted with its endpoint while in flight leaves nothing behind.
   */
  private async recordSuccesses(batch: Success[]): Promise<void> {
    const endpointIds = [...new Set(batch.map((b) => b.endpointId))];
    await retryOnConflict(() => this.dataSource.transaction(async (manager) => {
      const endpoints: Array<{ id: string; failing: boolean }> = await manager.query(
        'SELECT id, failing_since IS NOT NULL AS failing FROM endpoints WHERE id = ANY($1) ORDER BY id FOR SHARE',
        [endpointIds],
      );
      await manager.query(
        `WITH attempt AS (
           SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::bytea[])
             AS a (delivery_id, attempts, attempted_at, duration_ms, status_code, response_body)
         ), delivered AS (
           UPDATE deliveries d SET status = 'delivered', attempts = a.attempts, lease_until = NULL,
             last_status_code = a.status_code, last_error = NULL, delivered_at = now(), updated_at = now()
           FROM attempt a WHERE d.id = a.delivery_id
           RETURNING d.id
         )
         INSERT INTO delivery_attempts (delivery_id, attempted_at, duration_ms, status_code, response_body)
         SELECT a.delivery_id, a.attempted_at, a.duration_ms, a.status_code, a.response_body
         FROM attempt a JOIN delivered ON delivered.id = a.delivery_id`,
        [
          batch.map((b) => b.id),
          batch.map((b) => b.attempts),
          batch.map((b) => b.attemptedAt),
          batch.map((b) => b.durationMs),
          batch.map((b) => b.statusCode),
          batch.map((b) => b.responseBody ?? null),
        ],
      );
      return endpoints.filter((e) => e.failing).map((e) => e.id);
    })).then((failing) => this.clearFailing(failing));
  }

  /** A success ends an endpoint's failing clock; its own short transaction, one row at a time in id order. */
  private async clearFailing(endpointIds: string[]): Promise<void> {
    if (endpointIds.length === 0) return;
    await retryOnConflict(() =>
      this.dataSource.query(
        `UPDATE endpoints SET failing_since = NULL WHERE id IN (
           SELECT id FROM endpoints WHERE id = ANY($1) AND failing_since IS NOT NULL ORDER BY id FOR NO KEY UPDATE)`,
        [endpointIds],
      ),
    );
  }
}
