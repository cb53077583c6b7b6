import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { databaseUrl, LOGGER, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ORDER_CONFIG, type OrderConfig } from '../config';

interface DueRequest {
  order_id: string;
  payment_method: string;
  attempts: number;
  amount: number;
  currency: string;
}

/** Backoff between tries while payment-service is unreachable: 0.5 s doubling to 30 s. */
export function requestBackoffMs(attempts: number): number {
  return Math.min(500 * 2 ** Math.max(attempts - 1, 0), 30_000);
}

const BATCH = 50;

/**
 * The payment-request outbox: asks payment-service for each order's payment with
 * `Idempotency-Key` = the order id, so a retry after a lost answer creates nothing new.
 * Rows leave the table only once payment-service has answered; while it is down they
 * wait and are retried with backoff.
 */
@Injectable()
export class PaymentRequestWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
  ) {
    this.loop = new WorkerLoop({
      name: 'payment-requests',
      logger,
      idleMs: config.PAYMENT_REQUEST_POLL_INTERVAL_MS,
      batchSize: BATCH,
      runOnce: () => this.sendDue(),
      wakeOn: { connectionString: databaseUrl(config.DATABASE_URL, config.ORDER_DATABASE_NAME), channel: 'payment_requests' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async sendDue(): Promise<number> {
    // Rows are locked for the duration of the request; with several instances the others skip them.
    return this.dataSource.transaction(async (manager) => {
      const due: DueRequest[] = await manager.query(
        `SELECT r.order_id, r.payment_method, r.attempts, o.amount, o.currency
         FROM payment_requests r JOIN orders o ON o.id = r.order_id
         WHERE r.next_attempt_at <= now() ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED`,
        [BATCH],
      );
      const outcomes = await Promise.all(due.map(async (request) => ({ request, outcome: await this.request(request) })));
      // The common case, a payment created, is two statements for the whole batch.
      const created = outcomes.flatMap(({ request, outcome }) => (outcome.kind === 'created' ? [{ orderId: request.order_id, paymentId: outcome.paymentId }] : []));
      if (created.length > 0) {
        await manager.query('DELETE FROM payment_requests WHERE order_id = ANY($1)', [created.map((c) => c.orderId)]);
        await manager.query(
          `UPDATE orders o SET payment_id = COALESCE(o.payment_id, c.payment_id), updated_at = now()
           FROM unnest($1::text[], $2::text[]) AS c (order_id, payment_id) WHERE o.id = c.order_id`,
          [created.map((c) => c.orderId), created.map((c) => c.paymentId)],
        );
      }
      for (const { request, outcome } of outcomes) {
        if (outcome.kind === 'retry') {
          await manager.query(
            `UPDATE payment_requests SET attempts = attempts + 1, last_error = $2,
               next_attempt_at = now() + $3 * interval '1 millisecond' WHERE order_id = $1`,
            [request.order_id, outcome.error, requestBackoffMs(request.attempts + 1)],
          );
        } else if (outcome.kind === 'refused') {
          await manager.query('DELETE FROM payment_requests WHERE order_id = $1', [request.order_id]);
          await manager.query(
            `UPDATE orders SET status = 'payment_failed', failure_code = $2, updated_at = now() WHERE id = $1 AND status = 'pending_payment'`,
            [request.order_id, outcome.code],
          );
          await manager.query(`INSERT INTO order_history (order_id, status, cause) VALUES ($1, 'payment_failed', $2)`, [
            request.order_id,
            `payment request refused: ${outcome.code}`,
          ]);
        }
      }
      return due.length;
    });
  }

  private async request(
    request: DueRequest,
  ): Promise<{ kind: 'created'; paymentId: string } | { kind: 'refused'; code: string } | { kind: 'retry'; error: string }> {
    try {
      const response = await fetch(`${this.config.PAYMENT_SERVICE_URL}/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.config.PAYMENT_API_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': request.order_id,
        },
        body: JSON.stringify({ orderId: request.order_id, amount: request.amount, currency: request.currency, paymentMethod: request.payment_method }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
      if (response.status === 200 || response.status === 201) return { kind: 'created', paymentId: String(body.id) };
      // A client error will not go away by retrying (an unknown card, say): the order fails.
      if (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 408 && response.status !== 429) {
        return { kind: 'refused', code: body.error?.code ?? `http_${response.status}` };
      }
      return { kind: 'retry', error: `HTTP ${response.status}` };
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : String(error);
      if (request.attempts === 0) this.logger.warn({ orderId: request.order_id, reason }, 'payment-service unreachable; the request will be retried');
      return { kind: 'retry', error: reason };
    }
  }
}
