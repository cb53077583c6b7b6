import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { databaseUrl, LOGGER, Quarantine, runIsolated, storableText, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { ORDER_CONFIG, type OrderConfig } from '../config';
import { judgeAnswer, type RequestOutcome } from './payment-answer';

interface DueRequest {
  order_id: string;
  payment_method: string;
  attempts: number;
  amount: number;
  currency: string;
}

interface Outcome {
  request: DueRequest;
  outcome: RequestOutcome;
}

/** Backoff between tries while payment-service is unreachable: 0.5 s doubling to 30 s. */
export function requestBackoffMs(attempts: number): number {
  return Math.min(500 * 2 ** Math.max(attempts - 1, 0), 30_000);
}

const BATCH = 50;
const REQUEST_TIMEOUT_MS = 10_000;
/** Longer than a batch's requests can take, so a live worker keeps its rows. */
const LEASE_MS = 2 * REQUEST_TIMEOUT_MS + 5_000;

/**
 * The payment-request outbox: asks payment-service for each order's payment with
 * `Idempotency-Key` = the order id, so a retry after a lost answer creates nothing new.
 * Rows are leased (not locked) while payment-service is asked, and leave the table only
 * once it has answered; while it is down they wait and are retried with backoff. An
 * answer that cannot be used, or an outcome that cannot be recorded on its own, sets the
 * request aside (quarantine, and a line in the order's history) instead of retrying it.
 */
@Injectable()
export class PaymentRequestWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
    private readonly quarantine: Quarantine,
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
    // The lease is taken and committed in one statement: no lock is held while payment-service is asked.
    const [due]: [DueRequest[], number] = await this.dataSource.query(
      `UPDATE payment_requests r SET lease_until = now() + $2 * interval '1 millisecond'
       FROM orders o
       WHERE o.id = r.order_id AND r.order_id IN (
         SELECT order_id FROM payment_requests
         WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING r.order_id, r.payment_method, r.attempts, o.amount, o.currency`,
      [BATCH, LEASE_MS],
    );
    const outcomes: Outcome[] = await Promise.all(due.map(async (request) => ({ request, outcome: await this.request(request) })));
    for (const { request, outcome } of outcomes) {
      if (outcome.kind === 'invalid') await this.setAside({ request, outcome }, outcome.reason);
    }
    await runIsolated(
      outcomes.filter(({ outcome }) => outcome.kind !== 'invalid'),
      {
        run: (batch) => this.dataSource.transaction((manager) => this.record(manager, batch)),
        setAside: (item, reason) => this.setAside(item, `could not record the answer: ${reason}`),
      },
    );
    return due.length;
  }

  private async record(manager: EntityManager, outcomes: Outcome[]): Promise<void> {
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
          `UPDATE payment_requests SET attempts = attempts + 1, last_error = $2, lease_until = NULL,
             next_attempt_at = now() + $3 * interval '1 millisecond' WHERE order_id = $1`,
          [request.order_id, storableText(outcome.error), requestBackoffMs(request.attempts + 1)],
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
  }

  /** The request leaves the queue; the order keeps its status and its history says why. */
  private setAside({ request, outcome }: Outcome, reason: string): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM payment_requests WHERE order_id = $1', [request.order_id]);
      await manager.query(
        `INSERT INTO order_history (order_id, status, cause, detail) SELECT id, status, 'payment_request_quarantined', $2 FROM orders WHERE id = $1`,
        [request.order_id, storableText(reason)],
      );
      const payload = outcome.kind === 'invalid' ? outcome.answer : JSON.stringify(outcome);
      await this.quarantine.setAside({ worker: 'payment-requests', recordId: request.order_id, reason, payload }, manager);
    });
  }

  private async request(request: DueRequest): Promise<RequestOutcome> {
    try {
      const response = await fetch(`${this.config.PAYMENT_SERVICE_URL}/v1/payments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.config.PAYMENT_API_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': request.order_id,
        },
        body: JSON.stringify({ orderId: request.order_id, amount: request.amount, currency: request.currency, paymentMethod: request.payment_method }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const answer = Buffer.from(await response.arrayBuffer());
      return judgeAnswer(response.status, answer, { orderId: request.order_id, amount: request.amount, currency: request.currency });
    } catch (error) {
      const reason = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : String(error);
      if (request.attempts === 0) this.logger.warn({ orderId: request.order_id, reason }, 'payment-service unreachable; the request will be retried');
      return { kind: 'retry', error: reason };
    }
  }
}
