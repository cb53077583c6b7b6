import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PaymentSnapshot } from '@payhook/contracts';
import { Database, isTransientError, LOGGER, Metrics, Quarantine, runIsolated, WorkerLoop, type Counter } from '@payhook/platform';
import type { Logger } from 'pino';
import { ORDER_CONFIG, type OrderConfig } from '../config';
import { applyPayments } from '../orders/payment-application';
import { claimOrdersForReconciliation } from '../store/orders';
import { judgeLookup, type Lookup } from './payment-lookup';

const BATCH = 50;
const REQUEST_TIMEOUT_MS = 10_000;
/** Orders older than this are no longer checked: a payment that long in flight needs a person. */
export const RECONCILE_FOR_DAYS = 7;

interface WaitingOrder {
  id: string;
  payment_id: string;
}

/**
 * Reconciliation: webhooks can be late or never come (an endpoint disabled past the hold
 * limit, a receiver down longer than the retry schedule), so an order still waiting on its
 * payment after ORDER_RECONCILE_AFTER is checked against payment-service's API, and the
 * truth is applied through the same rules as a webhook (applyPayments: the same
 * integrity checks, newer versions only), with a history entry whose cause is
 * `reconciliation`. Orders are claimed by stamping reconciled_at in one statement, so no
 * lock is held while payment-service is asked, and two instances never ask twice.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  /** Checks by what came of them: the payment applied, already known (stale), not the order's, invalid or unavailable. */
  private readonly checks: Counter<'result'>;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
    private readonly quarantine: Quarantine,
    @Inject(Metrics) metrics: Metrics,
  ) {
    this.checks = metrics.counter('payhook_reconciliations_total', 'Waiting orders checked against payment-service, by result (applied, stale, mismatch, invalid, unavailable)', ['result']);
    this.loop = new WorkerLoop({
      name: 'reconciliation',
      logger,
      idleMs: Math.min(config.ORDER_RECONCILE_AFTER, config.ORDER_RECONCILE_EVERY, 10_000),
      batchSize: BATCH,
      runOnce: () => this.reconcileDue(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async reconcileDue(): Promise<number> {
    const due: WaitingOrder[] = await claimOrdersForReconciliation(this.database, {
      afterMs: this.config.ORDER_RECONCILE_AFTER,
      everyMs: this.config.ORDER_RECONCILE_EVERY,
      limit: BATCH,
      forDays: RECONCILE_FOR_DAYS,
    });
    const lookups = await Promise.all(due.map(async (order) => ({ order, lookup: await this.lookUp(order.payment_id) })));
    const found: Array<{ order: WaitingOrder; payment: PaymentSnapshot }> = [];
    for (const { order, lookup } of lookups) {
      if (lookup.kind !== 'found') this.checks.inc({ result: lookup.kind });
      if (lookup.kind === 'found') found.push({ order, payment: lookup.payment });
      else if (lookup.kind === 'invalid') await this.setAside(order, lookup.reason, lookup.answer);
    }
    await runIsolated(found, {
      run: async (batch) => {
        const items = batch.map(({ payment }) => ({
          payment,
          source: { cause: 'reconciliation', eventId: null, webhookId: null, detail: `payment-service reports ${payment.status} at version ${payment.version}` },
        }));
        const outcomes = await this.database.transaction(async (tx) => {
          const applied = await applyPayments(tx, items);
          // Not expected (a waiting order has its payment id): it rolls the batch back, and split, the order is set aside.
          for (const outcome of applied) if (outcome.result === 'retry_later') throw outcome.error;
          return applied;
        });
        for (const [i, outcome] of outcomes.entries()) {
          if (outcome.result === 'applied') this.logger.info({ orderId: items[i].payment.orderId, status: outcome.status }, 'order reconciled: its webhook had not come');
        }
        for (const { result } of outcomes) this.checks.inc({ result });
      },
      setAside: ({ order }, reason) => this.setAside(order, `could not apply the payment: ${reason}`),
    });
    return due.length;
  }

  private async lookUp(paymentId: string): Promise<Lookup> {
    try {
      const response = await fetch(`${this.config.PAYMENT_SERVICE_URL}/v1/payments/${encodeURIComponent(paymentId)}`, {
        headers: { authorization: `Bearer ${this.config.PAYMENT_API_KEY}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return judgeLookup(response.status, Buffer.from(await response.arrayBuffer()), paymentId);
    } catch (error) {
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Logged once per order and payment; the order is simply checked again next round. */
  private async setAside(order: WaitingOrder, reason: string, answer?: Buffer): Promise<void> {
    try {
      await this.quarantine.setAside({ worker: 'reconciliation', recordId: `${order.id}/${order.payment_id}`, reason, payload: answer });
    } catch (error) {
      if (!isTransientError(error)) throw error;
    }
  }
}
