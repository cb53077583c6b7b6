import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PaymentEvent } from '@payhook/contracts';
import { Database, databaseUrl, errorReason, GroupCommit, isTransientError, LOGGER, Metrics, PgListener, Quarantine, retryOnConflict, SPACING_MS, type Counter, type Sql } from '@payhook/platform';
import type { Logger } from 'pino';
import { ORDER_CONFIG, type OrderConfig } from '../config';
import { applyPayments, type ApplicationResult, type PaymentOutcome, type PaymentToApply } from '../orders/payment-application';
import { PaymentIdSignal } from '../payment-requests/payment-id-signal';
import { admitWebhooks } from '../store/inbox';
import { PAYMENT_IDS_CHANNEL } from '../store/orders';

export type WebhookResult = ApplicationResult | { result: 'duplicate' } | { result: 'quarantined'; reason: string };

interface VerifiedWebhook {
  webhookId: string;
  event: PaymentEvent;
}

/** Webhooks applied in one transaction at most; more wait for the next. */
const MAX_BATCH = 100;
/**
 * A payment's webhook can beat the recording of payment-service's answer by milliseconds;
 * it is tried again as soon as an instance records the id (this process's signal, or
 * another's NOTIFY), or every 100 ms, for up to a second (no transaction held meanwhile)
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
export class PaymentWebhooks implements OnApplicationBootstrap, OnModuleDestroy {
  /** Verified webhooks by result: applied, stale (not newer), mismatch (not the order's), duplicate or quarantined. */
  private readonly received: Counter<'result'>;
  private readonly batches = new GroupCommit<VerifiedWebhook, PaymentOutcome>((webhooks) => retryOnConflict(() => this.applyBatch(webhooks)), {
    maxBatch: MAX_BATCH,
    spacingMs: SPACING_MS.endToEnd,
  });
  /** Payment ids recorded by any instance, announced at their commit. */
  private readonly recordedAnywhere: PgListener;

  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly quarantine: Quarantine,
    private readonly paymentIds: PaymentIdSignal,
    @Inject(Metrics) metrics: Metrics,
    @Inject(LOGGER) logger: Logger,
    @Inject(ORDER_CONFIG) config: OrderConfig,
  ) {
    this.received = metrics.counter('payhook_webhooks_applied_total', 'Verified payment webhooks, by result (applied, stale, mismatch, duplicate, quarantined)', ['result']);
    this.recordedAnywhere = new PgListener({
      connectionString: databaseUrl(config.DATABASE_URL, config.ORDER_DATABASE_NAME),
      channel: PAYMENT_IDS_CHANNEL,
      logger,
      onNotify: (orderIds) => paymentIds.recorded(orderIds.split(',')),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recordedAnywhere.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.recordedAnywhere.stop();
  }

  async apply(webhookId: string, event: PaymentEvent, rawBody: Buffer): Promise<WebhookResult> {
    let outcome: PaymentOutcome;
    try {
      // Its payment's answer is being recorded here: wait for it rather than fail a first try.
      const orderId = event.data.object.orderId;
      if (this.paymentIds.isRecording(orderId)) await this.paymentIds.wait(orderId, PAYMENT_ID_WAIT_MS);
      outcome = await this.batches.add({ webhookId, event });
      for (let waits = 0; outcome.result === 'retry_later' && outcome.awaitsPaymentId && waits < PAYMENT_ID_WAITS; waits++) {
        await this.paymentIds.wait(orderId, PAYMENT_ID_WAIT_MS);
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
   * One transaction for the batch (`applyPayments`): a webhook whose order is not ready is
   * answered 409 and writes nothing, not even its inbox row, so its retry is applied.
   */
  private applyBatch(webhooks: VerifiedWebhook[]): Promise<PaymentOutcome[]> {
    return this.database.transaction((tx) =>
      applyPayments(
        tx,
        webhooks.map(({ webhookId, event }) => ({ payment: event.data.object, source: { cause: event.type, eventId: event.id, webhookId } })),
        { admit: (ready) => this.admit(tx, ready), commitWithWrite: true },
      ),
    );
  }

  /** The webhooks seen for the first time enter the inbox; of copies in one batch, the first. */
  private async admit(tx: Sql, ready: PaymentToApply[]): Promise<Set<PaymentToApply>> {
    const firsts = new Map<string, { item: PaymentToApply; eventId: string; copies: number }>();
    for (const item of ready) {
      const webhookId = item.source.webhookId as string;
      const first = firsts.get(webhookId) ?? { item, eventId: item.source.eventId as string, copies: 0 };
      first.copies += 1;
      firsts.set(webhookId, first);
    }
    const fresh = await admitWebhooks(tx, [...firsts].map(([webhookId, { eventId, copies }]) => ({ webhookId, eventId, copies })));
    return new Set([...firsts].filter(([webhookId]) => fresh.has(webhookId)).map(([, { item }]) => item));
  }
}
