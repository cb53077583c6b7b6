import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database, databaseUrl, errorReason, GroupCommit, isTransientError, LOGGER, Quarantine, retryOnConflict, SPACING_MS, storableText, TRACING, WorkerLoop, type Tracing, type Transaction } from '@payhook/platform';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { ORDER_CONFIG, type OrderConfig } from '../config';
import { failOrderPayment, lockOrdersForPayment, noteOnOrder, recordPaymentIds } from '../store/orders';
import { leaseDueRequests, removeRequests, retryRequestLater, type DueRequest } from '../store/payment-requests';
import { judgeAnswer, type RequestOutcome } from './payment-answer';
import { PaymentIdSignal } from './payment-id-signal';

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
/** Most requests sent straight after their order's commit and not answered yet; past it, orders go through the queue. */
const EAGER_LIMIT = 2 * BATCH;

/**
 * The payment-request outbox: asks payment-service for each order's payment with
 * `Idempotency-Key` = the order id, so a retry after a lost answer creates nothing new.
 * Rows are leased (not locked) while payment-service is asked, and leave the table only
 * once it has answered; while it is down they wait and are retried with backoff. An
 * answer that cannot be used, or an outcome that cannot be recorded on its own, sets the
 * request aside (quarantine, and a line in the order's history) instead of retrying it.
 *
 * Most requests skip the queue: the order is placed with its request already leased to
 * this process (`reserve`), which sends it as soon as the order commits (`send`), a
 * transaction fewer per order. If the process dies first, the lease runs out and a
 * poller sends it.
 */
@Injectable()
export class PaymentRequestWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  /** Kept-alive connections to payment-service: undici costs a third of fetch's CPU per request (docs/benchmarks.md). */
  private readonly paymentService = new Agent({ connections: BATCH, keepAliveTimeout: 30_000 });
  /** Answers recorded many to a transaction; one that cannot be recorded on its own is set aside. */
  private readonly answers = new GroupCommit<Outcome>(
    async (batch) => {
      try {
        // Not waiting for the WAL flush: an answer lost in a server crash leaves its request
        // queued, and asking again with the same Idempotency-Key gets the same answer. A later
        // durable commit (the webhook it lets through) flushes it anyway.
        await retryOnConflict(() => this.database.transaction((tx) => this.record(tx, batch), { durable: false }));
      } finally {
        // Their webhooks waiting here go now, whatever came of it, not at the end of their wait.
        this.paymentIds.settled(batch.map(({ request }) => request.order_id));
      }
    },
    { maxBatch: BATCH, spacingMs: SPACING_MS.offPath },
  );
  /** Requests reserved or sent straight after their order's commit and not answered yet (at most EAGER_LIMIT). */
  private eager = 0;
  private readonly sending = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
    private readonly quarantine: Quarantine,
    @Inject(TRACING) private readonly tracing: Tracing,
    private readonly paymentIds: PaymentIdSignal,
  ) {
    // A webhook waiting for a payment id puts the answers' recording on its path.
    paymentIds.onWait(() => this.answers.hurry());
    this.loop = new WorkerLoop({
      name: 'payment-requests',
      logger,
      idleMs: config.PAYMENT_REQUEST_POLL_INTERVAL_MS,
      batchSize: BATCH,
      spacingMs: SPACING_MS.offPath,
      runOnce: () => this.sendDue(),
      wakeOn: { connectionString: databaseUrl(config.DATABASE_URL, config.ORDER_DATABASE_NAME), channel: 'payment_requests' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    await Promise.all(this.sending);
    await this.paymentService.close();
  }

  /**
   * A place for one order's request to be sent by this process once the order commits: the
   * lease to insert it with, or undefined when EAGER_LIMIT are out or the worker stops (the
   * request then goes through the queue). Give it back with `release` if nothing is sent.
   */
  reserve(): number | undefined {
    if (this.stopping || this.eager >= EAGER_LIMIT) return undefined;
    this.eager += 1;
    return LEASE_MS;
  }

  release(): void {
    this.eager -= 1;
  }

  /** Sends a reserved request whose order has committed; the reservation ends with its answer. */
  send(request: DueRequest): void {
    const sent: Promise<void> = this.requestAndRecord(request)
      .catch((error: unknown) => {
        // Its lease runs out and a poller asks again (idempotently).
        this.logger.warn({ orderId: request.order_id, reason: errorReason(error) }, 'payment request not recorded; it is asked again when its lease runs out');
      })
      .finally(() => {
        this.eager -= 1;
        this.sending.delete(sent);
      });
    this.sending.add(sent);
  }

  async sendDue(): Promise<number> {
    // The lease is taken and committed in one statement: no lock is held while payment-service is asked.
    const due = await leaseDueRequests(this.database, BATCH, LEASE_MS);
    await Promise.all(due.map((request) => this.requestAndRecord(request)));
    return due.length;
  }

  /**
   * Each answer is recorded as soon as it is in, not when the batch's slowest is: the
   * payment's webhook may follow its answer by milliseconds, and it is refused (409, retried
   * seconds later) until the payment id is recorded. Answers that come in while a record
   * commits share the next transaction.
   */
  private async requestAndRecord(request: DueRequest): Promise<void> {
    const outcome = await this.request(request);
    if (outcome.kind === 'invalid') return this.setAside({ request, outcome }, outcome.reason);
    try {
      this.paymentIds.answered([request.order_id]);
      await this.answers.add({ request, outcome });
    } catch (error) {
      // The database is away: the lease runs out and the request is asked again (idempotently).
      if (isTransientError(error)) throw error;
      await this.setAside({ request, outcome }, `could not record the answer: ${errorReason(error)}`);
    }
  }

  private async record(tx: Transaction, outcomes: Outcome[]): Promise<void> {
    // The orders are locked in id order first, as the webhook receiver locks them, so a
    // batch of answers and a batch of webhooks never deadlock on each other's orders.
    // Postgres runs a connection's statements in order, so the writes sent behind the lock
    // wait for it: the lock, the writes and the commit travel in one round trip.
    const locked = lockOrdersForPayment(tx, outcomes.map(({ request }) => request.order_id));
    // The common case, a payment created, is two statements for the whole batch.
    const created = outcomes.flatMap(({ request, outcome }) => (outcome.kind === 'created' ? [{ orderId: request.order_id, paymentId: outcome.paymentId }] : []));
    const writes: Array<Promise<unknown>> = [locked, removeRequests(tx, created.map((c) => c.orderId)), recordPaymentIds(tx, created)];
    for (const { request, outcome } of outcomes) {
      if (outcome.kind === 'retry') {
        writes.push(retryRequestLater(tx, request.order_id, storableText(outcome.error), requestBackoffMs(request.attempts + 1)));
      } else if (outcome.kind === 'refused') {
        writes.push(removeRequests(tx, [request.order_id]), failOrderPayment(tx, request.order_id, outcome.code, `payment request refused: ${outcome.code}`));
      }
    }
    await tx.commit(Promise.all(writes));
  }

  /** The request leaves the queue; the order keeps its status and its history says why. */
  private setAside({ request, outcome }: Outcome, reason: string): Promise<void> {
    return this.database.transaction(async (tx) => {
      await removeRequests(tx, [request.order_id]);
      await noteOnOrder(tx, request.order_id, { cause: 'payment_request_quarantined', detail: storableText(reason) });
      const payload = outcome.kind === 'invalid' ? outcome.answer : JSON.stringify(outcome);
      await this.quarantine.setAside({ worker: 'payment-requests', recordId: request.order_id, reason, payload }, tx);
    });
  }

  private async request(due: DueRequest): Promise<RequestOutcome> {
    // A hop of the order's trace: payment-service continues it into the payment's events.
    const hop = this.tracing.hop('POST /v1/payments', due.traceparent, 'client', { 'payhook.order_id': due.order_id });
    try {
      const response = await request(`${this.config.PAYMENT_SERVICE_URL}/v1/payments`, {
        method: 'POST',
        dispatcher: this.paymentService,
        headers: {
          authorization: `Bearer ${this.config.PAYMENT_API_KEY}`,
          'content-type': 'application/json',
          'idempotency-key': due.order_id,
          traceparent: hop.traceparent,
        },
        body: JSON.stringify({ orderId: due.order_id, amount: due.amount, currency: due.currency, paymentMethod: due.payment_method }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const answer = Buffer.from(await response.body.arrayBuffer());
      hop.end({ 'http.response.status_code': response.statusCode });
      return judgeAnswer(response.statusCode, answer, { orderId: due.order_id, amount: due.amount, currency: due.currency });
    } catch (error) {
      const failure = error as { code?: string; cause?: { code?: string }; message?: string };
      const reason = failure?.code ?? failure?.cause?.code ?? failure?.message ?? String(error);
      hop.end(undefined, reason);
      if (due.attempts === 0) this.logger.warn({ orderId: due.order_id, reason }, 'payment-service unreachable; the request will be retried');
      return { kind: 'retry', error: reason };
    }
  }
}
