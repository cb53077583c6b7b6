import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database, databaseUrl, errorReason, GroupCommit, isTransientError, LOGGER, Metrics, Quarantine, retryOnConflict, SPACING_MS, storableText, TRACING, WorkerLoop, type Counter, type Histogram, type Tracing } from '@payhook/platform';
import { signedHeaders } from '@payhook/webhook-signature';
import type { Logger } from 'pino';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { disableEndpoint } from '../endpoints/endpoint-status';
import {
  claimDueDeliveries,
  countWaitingDeliveries,
  postponeDelivery,
  quarantineDelivery,
  recordFailedAttempt,
  recordSuccessfulAttempts,
  releaseLeases,
  type ClaimedDelivery,
  type SuccessfulAttempt,
} from '../store/deliveries';
import { clearEndpointsFailing, markEndpointFailing, shareLockEndpoints } from '../store/endpoints';
import { decideOutcome, isGone, isSuccess } from './domain/retry-policy';
import { TokenBucket } from './domain/token-bucket';
import { ListenerHub } from '../listeners/listener-hub';
import { isListenerUrl } from '../listeners/listener-url';
import { postWebhook, WEBHOOK_CONTENT_HEADERS, type SendResult } from './http-sender';

type Success = SuccessfulAttempt & { endpointId: string };

const total = (counts: Iterable<number>) => [...counts].reduce((sum, count) => sum + count, 0);

/** Answered sends awaiting their recording, at most this many times WEBHOOK_CONCURRENCY; past it the worker claims nothing. */
const RECORDING_FACTOR = 4;

/** A rate-limit bucket unused this long is dropped (a fresh one is the same). */
const BUCKET_IDLE_MS = 60_000;

/** Sends deliveries: signs, POSTs (or hands to a connected listener), records the attempt and decides what comes next. */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  /** Per-endpoint state, bounded: in-flight counts go at zero, saturation on release, buckets when idle. */
  private readonly inFlightByEndpoint = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sends = new Set<Promise<void>>();
  /**
   * Claimed (leased) and not sent yet, per endpoint, at most its concurrency again: a freed
   * slot starts the next one at once instead of waiting for a claim's round trip, while an
   * endpoint never has more than WEBHOOK_ENDPOINT_CONCURRENCY requests in flight.
   */
  private readonly queued = new Map<string, ClaimedDelivery[]>();
  /**
   * Endpoints whose last claim filled every slot they had, so more may be due: once their
   * queue runs low, a freed slot claims again. Others need no claim per send (new rows come with a NOTIFY).
   */
  private readonly saturated = new Set<string>();
  /** The last claim was cut short by the worker's room, not by what was due: the next freed room claims again. */
  private full = false;
  /**
   * Fresh deliveries promised to the ingest (`reserve`) and not handed over or given back
   * yet, per endpoint: counted as queued, so promises and claims together stay within the room.
   */
  private readonly promised = new Map<string, number>();
  /** The last claim took all it could: older rows may be due, and fresh ones go behind them, through the table. */
  private behind = false;
  /** The most the claim in flight may bring: counted as held, so the ingest's promises meanwhile leave room for it. */
  private claiming = 0;
  private stopping = false;
  /** How long a claimed or handed-over row stays this worker's. */
  readonly leaseMs: number;
  /**
   * Successful attempts, recorded many to a transaction under load, spaced: the endpoint's
   * slot is free once the answer is in, so the wait holds only the worker's room.
   */
  private readonly successes = new GroupCommit<Success>((batch) => this.recordSuccesses(batch), { spacingMs: SPACING_MS.offPath });
  /** Attempts by what came of them: delivered, retrying, held (endpoint disabled) or failed (no tries left). */
  private readonly attemptOutcomes: Counter<'outcome'>;
  private readonly attemptDurations: Histogram<'outcome'>;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    private readonly quarantine: Quarantine,
    @Inject(Metrics) metrics: Metrics,
    private readonly listeners: ListenerHub,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {
    this.attemptOutcomes = metrics.counter('payhook_delivery_attempts_total', 'Webhook attempts, by what came of them (delivered, retrying, held, failed)', ['outcome']);
    this.attemptDurations = metrics.histogram('payhook_delivery_attempt_duration_seconds', 'Time from sending a webhook to its answer (or error), by outcome', ['outcome']);
    metrics.sampled('payhook_deliveries_waiting', 'Deliveries not sent yet: pending (due or retrying) and held (endpoint disabled)', ['status'], async () => {
      const counts = await countWaitingDeliveries(database);
      return (['pending', 'held'] as const).map((status) => ({ labels: { status }, value: counts[status] }));
    });
    // Longer than any attempt can take (with recording), so a live worker keeps its rows.
    this.leaseMs = 2 * config.WEBHOOK_TIMEOUT_MS + 5_000;
    this.loop = new WorkerLoop({
      name: 'delivery-worker',
      logger,
      idleMs: config.WEBHOOK_POLL_INTERVAL_MS,
      batchSize: config.WEBHOOK_BATCH_SIZE,
      spacingMs: SPACING_MS.endToEnd,
      runOnce: () => this.claimAndSend(),
      wakeOn: { connectionString: databaseUrl(config.DATABASE_URL, config.DISPATCHER_DATABASE_NAME), channel: 'deliveries' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  /** Stops claiming, gives back what was claimed and not sent, then waits for the sends in flight (each bounded by the timeout). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    const unsent = [...this.queued.values()].flat();
    this.queued.clear();
    await this.releaseUnsent(unsent);
    await Promise.all(this.sends);
  }

  private releaseUnsent(rows: ClaimedDelivery[]): Promise<void> {
    return releaseLeases(this.database, rows.map((row) => row.id)).catch((error: unknown) =>
      this.logger.warn({ err: error, deliveries: rows.length }, 'could not give back claimed deliveries; their leases bring them back'),
    );
  }

  /** Wakes the loop now (a retry or recover in this process). */
  kick(): void {
    this.loop.kick();
  }

  /** Queued here, or promised to the ingest and not handed over yet. */
  private queuedFor(endpoint: string): number {
    return (this.queued.get(endpoint)?.length ?? 0) + (this.promised.get(endpoint) ?? 0);
  }

  /**
   * How many more deliveries the worker may take. Held at most: twice the concurrency,
   * queued, promised or awaiting an answer. An answered send awaits its group commit (up to
   * the spacing and a commit): counting it here left the claim waiting on the recording,
   * not on the receivers. Those have a bound of their own.
   */
  private room(): number {
    const awaitingAnswer = total(this.inFlightByEndpoint.values());
    const recording = this.sends.size - awaitingAnswer;
    if (recording >= RECORDING_FACTOR * this.config.WEBHOOK_CONCURRENCY) return 0;
    const queuedCount = total([...this.queued.values()].map((queue) => queue.length)) + total(this.promised.values()) + this.claiming;
    return 2 * this.config.WEBHOOK_CONCURRENCY - awaitingAnswer - queuedCount;
  }

  /** How many more deliveries of this endpoint the worker may take: its free places, and its rate's tokens. */
  private placesFor(endpoint: string, now: number): number {
    const places = 2 * this.config.WEBHOOK_ENDPOINT_CONCURRENCY - (this.inFlightByEndpoint.get(endpoint) ?? 0) - this.queuedFor(endpoint);
    const bucket = this.buckets.get(endpoint);
    return bucket ? Math.min(places, bucket.available(now) - this.queuedFor(endpoint)) : places;
  }

  /**
   * Takes fresh deliveries from the ingest, which inserts them already leased to this worker
   * (for `leaseMs`) and hands them over once they commit (`handOver`): they skip the claim,
   * its transaction and its wake-up. One entry per delivery the ingest is about to insert
   * (its endpoint); says which are taken. None while the worker stops, or while the last
   * claim found more due than it could take (those older rows go first), and no more than
   * the room and the endpoint's places allow, as a claim would; the rest are inserted to
   * be claimed. A reservation ends with `handOver`, or `giveBack` if nothing was committed.
   */
  reserve(endpointIds: string[]): boolean[] {
    let room = this.stopping || this.behind ? 0 : this.room();
    const now = Date.now();
    return endpointIds.map((endpoint) => {
      if (room <= 0 || this.placesFor(endpoint, now) <= 0) return false;
      room -= 1;
      this.promised.set(endpoint, (this.promised.get(endpoint) ?? 0) + 1);
      return true;
    });
  }

  /** Ends reservations whose rows were not committed. */
  giveBack(endpointIds: string[]): void {
    for (const endpoint of endpointIds) this.unpromise(endpoint);
    if (endpointIds.length > 0) this.roomFreed();
  }

  /** Reserved rows, committed leased to this worker: they are queued and sent as a claim's are. */
  handOver(rows: ClaimedDelivery[]): void {
    for (const row of rows) this.unpromise(row.endpoint_id);
    if (this.stopping) {
      // Shutting down: given back at once, as the queued rows are.
      void this.releaseUnsent(rows);
      return;
    }
    this.enqueue(rows);
    this.pump();
  }

  private unpromise(endpoint: string): void {
    const left = (this.promised.get(endpoint) ?? 1) - 1;
    if (left > 0) this.promised.set(endpoint, left);
    else this.promised.delete(endpoint);
  }

  private enqueue(rows: ClaimedDelivery[]): void {
    for (const row of rows) {
      const queue = this.queued.get(row.endpoint_id) ?? [];
      queue.push(row);
      this.queued.set(row.endpoint_id, queue);
    }
  }

  private async claimAndSend(): Promise<number> {
    const cap = this.config.WEBHOOK_ENDPOINT_CONCURRENCY;
    const room = this.room();
    if (room <= 0) {
      // All room is held: the next answer or recording to finish frees some and claims again.
      this.full = true;
      return 0;
    }
    const now = Date.now();
    const slots: Record<string, number> = {};
    for (const [endpoint, bucket] of this.buckets) {
      // Bounded: a bucket idle for a minute (its endpoint quiet, deleted or unlimited) goes.
      if (bucket.isIdle(now, BUCKET_IDLE_MS)) this.buckets.delete(endpoint);
    }
    for (const endpoint of new Set([...this.inFlightByEndpoint.keys(), ...this.queued.keys(), ...this.promised.keys(), ...this.buckets.keys()])) {
      slots[endpoint] = this.placesFor(endpoint, now);
    }
    const limit = Math.min(room, this.config.WEBHOOK_BATCH_SIZE);
    // A lease is soft state: lost in a server crash, the row is claimed and sent again (at least once).
    this.claiming = limit;
    const rows = await this.database
      .transaction((tx) => tx.commit(claimDueDeliveries(tx, { limit, perEndpoint: 2 * cap, slots, leaseMs: this.leaseMs })), { durable: false })
      .finally(() => (this.claiming = 0));
    this.full = rows.length === limit && limit < this.config.WEBHOOK_BATCH_SIZE;
    this.behind = rows.length === limit;
    this.enqueue(rows);
    const claimed = new Map<string, number>();
    for (const row of rows) claimed.set(row.endpoint_id, (claimed.get(row.endpoint_id) ?? 0) + 1);
    for (const [endpoint, count] of claimed) if (count >= (slots[endpoint] ?? 2 * cap)) this.saturated.add(endpoint);
    this.pump();
    return rows.length;
  }

  /**
   * Starts queued deliveries while their endpoints have free slots. Over an endpoint's
   * rate, a row goes back to the table until its next token, and the loop claims then.
   */
  private pump(): void {
    const now = Date.now();
    const cap = this.config.WEBHOOK_ENDPOINT_CONCURRENCY;
    let nextTokenMs: number | undefined;
    // Requests awaiting their answer, all endpoints (a send's recording comes after and needs no slot).
    let requests = total(this.inFlightByEndpoint.values());
    for (const [endpoint, queue] of this.queued) {
      while (queue.length > 0 && (this.inFlightByEndpoint.get(endpoint) ?? 0) < cap && requests < this.config.WEBHOOK_CONCURRENCY) {
        const row = queue.shift() as ClaimedDelivery;
        const bucket = this.bucketFor(row, now);
        if (bucket && !bucket.take(now)) {
          const waitMs = bucket.waitMs(now);
          void this.postpone(row.id, waitMs).catch((error: unknown) =>
            this.logger.warn({ err: error, deliveryId: row.id }, 'could not postpone a delivery; its lease brings it back'),
          );
          nextTokenMs = Math.min(nextTokenMs ?? waitMs, waitMs);
          continue;
        }
        this.start(row);
        requests += 1;
      }
      if (queue.length === 0) this.queued.delete(endpoint);
    }
    if (nextTokenMs !== undefined) setTimeout(() => this.loop.kick(), Math.max(nextTokenMs, 10)).unref();
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
    await postponeDelivery(this.database, id, Math.max(waitMs, 10));
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
      this.pump();
      // A claim per half a queue, not per send: it runs while the queued rows go out.
      const runningLow = this.queuedFor(row.endpoint_id) <= this.config.WEBHOOK_ENDPOINT_CONCURRENCY / 2;
      if (runningLow && this.saturated.has(row.endpoint_id)) {
        this.saturated.delete(row.endpoint_id);
        this.loop.kick();
      }
      this.roomFreed();
    };
    const send = this.deliver(row, release)
      .catch((error: unknown) => this.setAside(row, error))
      .finally(() => {
        this.sends.delete(send);
        release();
        this.roomFreed();
      });
    this.sends.add(send);
  }

  /** An answer came or a recording ended: a claim cut short by room may run again. */
  private roomFreed(): void {
    if (this.full) {
      this.full = false;
      this.loop.kick();
    }
  }

  private async deliver(row: ClaimedDelivery, release: () => void): Promise<void> {
    const attemptedAt = new Date();
    // A client hop per attempt, continuing the payment's trace to the receiver.
    const hop = this.tracing.hop('POST webhook', row.traceparent, 'client', { 'payhook.delivery_id': row.id, 'payhook.endpoint_id': row.endpoint_id });
    const headers = { ...signedHeaders(row.secrets, row.id, Math.floor(attemptedAt.getTime() / 1000), row.body), traceparent: hop.traceparent };
    const result = isListenerUrl(row.url)
      ? await this.listeners.deliver(row.endpoint_id, { deliveryId: row.id, headers: { ...headers, ...WEBHOOK_CONTENT_HEADERS }, body: row.body }, this.config.WEBHOOK_TIMEOUT_MS)
      : await postWebhook(row.url, headers, row.body, {
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
          maxResponseBytes: this.config.WEBHOOK_RESPONSE_MAX_BYTES,
          allowlist: this.config.WEBHOOK_ALLOWED_PRIVATE_TARGETS,
        });
    release();
    const statusCode = result.kind === 'response' ? result.statusCode : undefined;
    const error = result.kind === 'error' ? result.error : undefined;
    hop.end(statusCode === undefined ? undefined : { 'http.response.status_code': statusCode }, error);
    this.logger.info({ deliveryId: row.id, endpointId: row.endpoint_id, statusCode, error, durationMs: result.durationMs, traceId: hop.context.traceId }, 'webhook attempt');
    await this.record(row, attemptedAt, result);
  }

  private async record(row: ClaimedDelivery, attemptedAt: Date, result: SendResult): Promise<void> {
    const attempts = row.attempts + 1;
    if (result.kind === 'response' && isSuccess(result)) {
      this.observe('delivered', result.durationMs);
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
    const recorded = await retryOnConflict(() => this.database.transaction(async (tx) => {
      const endpoint = await markEndpointFailing(tx, row.endpoint_id);
      // Deleted with its endpoint while the POST was in flight: nothing left to record.
      if (!endpoint) return undefined;
      // Disabled while the POST was in flight: the next attempt waits for it to be enabled.
      const status = outcome.status === 'pending' && endpoint.status === 'disabled' ? 'held' : outcome.status;
      await recordFailedAttempt(tx, {
        id: row.id,
        status,
        attempts,
        nextAttemptAt: outcome.status === 'pending' ? new Date(outcome.nextAttemptAt) : null,
        attemptedAt,
        durationMs: result.durationMs,
        statusCode,
        error,
        responseBody: result.responseBody,
      });
      if (isGone(result)) {
        await disableEndpoint(tx, row.endpoint_id, 'the receiver answered 410 Gone');
      } else if (Number(endpoint.failing_for_ms) >= this.config.WEBHOOK_DISABLE_AFTER) {
        await disableEndpoint(tx, row.endpoint_id, `no successful delivery for ${Math.round(Number(endpoint.failing_for_ms) / 3_600_000)} h`);
      }
      return status;
    }));
    if (recorded) this.observe(recorded === 'pending' ? 'retrying' : recorded, result.durationMs);
  }

  private observe(outcome: 'delivered' | 'retrying' | 'held' | 'failed', durationMs: number): void {
    this.attemptOutcomes.inc({ outcome });
    this.attemptDurations.observe({ outcome }, durationMs / 1000);
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
      await this.database.transaction(async (tx) => {
        await quarantineDelivery(tx, row.id, reason);
        await this.quarantine.setAside({ worker: 'delivery-worker', recordId: row.id, reason }, tx);
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
    await retryOnConflict(() => this.database.transaction(async (tx) => {
      const [endpoints] = await tx.commit(Promise.all([shareLockEndpoints(tx, endpointIds), recordSuccessfulAttempts(tx, batch)]));
      return endpoints.filter((e) => e.failing).map((e) => e.id);
    })).then((failing) => clearEndpointsFailing(this.database, failing));
  }
}
