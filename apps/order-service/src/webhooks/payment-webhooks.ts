import { setTimeout } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { ApiError, Database, errorReason, GroupCommit, isTransientError, Metrics, Quarantine, type Counter } from '@payhook/platform';
import { decidePayment, writePaymentDecision, type ApplicationResult } from '../orders/payment-application';
import { admitWebhooks } from '../store/inbox';
import { lockOrdersForPayment } from '../store/orders';

export type WebhookResult = ApplicationResult | { result: 'duplicate' } | { result: 'quarantined'; reason: string };

interface VerifiedWebhook {
  webhookId: string;
  event: PaymentEvent;
}

/** A webhook's outcome in its batch: its result, or the 409 that asks the sender to try again. */
type BatchOutcome = WebhookResult | { result: 'retry_later'; error: ApiError; awaitsPaymentId?: boolean };

/** Webhooks applied in one transaction at most; more wait for the next. */
const MAX_BATCH = 100;
/**
 * A payment's webhook can beat the recording of payment-service's answer by milliseconds;
 * it is tried again every 100 ms for up to a second (no transaction held meanwhile)
 * before it is answered 409 and left to the sender's retry, seconds later.
 */
const PAYMENT_ID_WAIT_MS = 100;
const PAYMENT_ID_WAITS = 10;

/**
 * Applies verified payment webhooks exactly once: each webhook-id enters the inbox in the
 * same transaction as the order change. A duplicate, even one arriving at the same moment
 * (it waits on the order's lock, then on the inbox row), changes nothing. A payment that
 * is not the order's own (another id, amount or currency) is recorded in the order's
 * history and changes nothing else. A webhook that cannot be applied for a reason of its
 * own is quarantined with its bytes and answered 2xx: sending it again would fail the same way.
 *
 * Webhooks that arrive while a transaction is committing go together in the next one
 * (group commit): under load one commit applies many, and a lone webhook commits at once.
 */
@Injectable()
export class PaymentWebhooks {
  /** Verified webhooks by result: applied, stale (not newer), mismatch (not the order's), duplicate or quarantined. */
  private readonly received: Counter<'result'>;
  private readonly batches = new GroupCommit<VerifiedWebhook, BatchOutcome>((webhooks) => this.applyBatch(webhooks), MAX_BATCH);

  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly quarantine: Quarantine,
    @Inject(Metrics) metrics: Metrics,
  ) {
    this.received = metrics.counter('payhook_webhooks_applied_total', 'Verified payment webhooks, by result (applied, stale, mismatch, duplicate, quarantined)', ['result']);
  }

  async apply(webhookId: string, event: PaymentEvent, rawBody: Buffer): Promise<WebhookResult> {
    let outcome: BatchOutcome;
    try {
      outcome = await this.batches.add({ webhookId, event });
      for (let waits = 0; outcome.result === 'retry_later' && outcome.awaitsPaymentId && waits < PAYMENT_ID_WAITS; waits++) {
        await setTimeout(PAYMENT_ID_WAIT_MS);
        outcome = await this.batches.add({ webhookId, event });
      }
    } catch (error) {
      if (isTransientError(error)) throw error;
      return this.setAside(webhookId, errorReason(error), rawBody);
    }
    if (outcome.result === 'retry_later') throw outcome.error;
    this.received.inc({ result: outcome.result });
    return outcome;
  }

  async setAside(webhookId: string, reason: string, rawBody: Buffer): Promise<WebhookResult> {
    await this.quarantine.setAside({ worker: 'webhook-receiver', recordId: webhookId, reason, payload: rawBody });
    this.received.inc({ result: 'quarantined' });
    return { result: 'quarantined', reason };
  }

  /**
   * One transaction: the orders are locked (one statement), the webhooks that can be
   * applied now enter the inbox (one statement), and the changes are written, pipelined.
   * A webhook whose order is not ready is answered 409 and writes nothing, not even its
   * inbox row, so its retry is applied. Webhooks of the same order apply in arrival order.
   */
  private applyBatch(webhooks: VerifiedWebhook[]): Promise<BatchOutcome[]> {
    return this.database.transaction(async (tx) => {
      const orders = await lockOrdersForPayment(tx, webhooks.map((w) => w.event.data.object.orderId));
      const ready = webhooks.filter((w) => decidePayment(orders.get(w.event.data.object.orderId), w.event.data.object).result !== 'retry_later');
      const copies = new Map<string, { webhookId: string; eventId: string; copies: number }>();
      for (const { webhookId, event } of ready) {
        const admission = copies.get(webhookId) ?? { webhookId, eventId: event.id, copies: 0 };
        admission.copies += 1;
        copies.set(webhookId, admission);
      }
      const fresh = await admitWebhooks(tx, [...copies.values()]);
      const outcomes = webhooks.map(({ webhookId, event }): BatchOutcome | Promise<ApplicationResult> => {
        const payment = event.data.object;
        const order = orders.get(payment.orderId);
        const decision = decidePayment(order, payment);
        if (decision.result === 'retry_later') return decision;
        // The first copy in the batch takes the admission; later ones are copies.
        if (!fresh.delete(webhookId)) return { result: 'duplicate' };
        if (decision.result === 'applied' && order) Object.assign(order, { status: decision.change.status, payment_version: decision.change.paymentVersion });
        return writePaymentDecision(tx, payment, decision, { cause: event.type, eventId: event.id, webhookId });
      });
      return Promise.all(outcomes);
    });
  }
}
