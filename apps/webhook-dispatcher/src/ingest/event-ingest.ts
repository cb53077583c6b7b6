import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parsePaymentEvent } from '@payhook/contracts';
import { MessageConsumer, MessagingAdmin, type IncomingMessage, type KafkaCluster } from '@payhook/messaging';
import { Database, KAFKA, Metrics, parseTraceparent, Quarantine, retryOnConflict, runIsolated, type Transaction } from '@payhook/platform';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { DeliveryWorker } from '../deliveries/delivery-worker';
import { createDeliveries, type ClaimedDelivery, type NewDelivery } from '../store/deliveries';
import { secretsOf, subscribedEndpoints } from '../store/endpoints';
import { recordEvents, type NewEvent } from '../store/events';
import { deliveryId } from './delivery-id';

/**
 * Consumes payment events. One transaction per batch records each event once (its id is
 * the primary key, so a redelivered message is a no-op) and one delivery per endpoint
 * subscribed to its type: `pending` for an enabled endpoint, `held` for a disabled one
 * (sent when it is enabled again); the offset is committed only after that commit.
 * A message that is not a payment event, or an event whose recording fails on its own,
 * is quarantined with its bytes and the batch goes on without it.
 *
 * Pending deliveries the delivery worker of this process has room for are inserted
 * already leased to it and handed to it once they commit: no claim, no wake-up, a
 * transaction fewer between a payment's commit and its webhook. If this process dies
 * before sending them, their lease runs out and any worker claims them.
 */
@Injectable()
export class EventIngest implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(KAFKA) kafka: KafkaCluster,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    private readonly quarantine: Quarantine,
    private readonly worker: DeliveryWorker,
    @Inject(MessagingAdmin) admin: MessagingAdmin,
    @Inject(Metrics) metrics: Metrics,
  ) {
    const { DISPATCHER_CONSUMER_GROUP: group, PAYMENT_EVENTS_TOPIC: topic } = config;
    metrics.sampled('payhook_consumer_lag_messages', 'Payment events on the topic not yet ingested (committed) by the dispatcher group', ['topic'], async () => [
      { labels: { topic }, value: await admin.lag(group, topic) },
    ]);
    this.consumer = new MessageConsumer(kafka, {
      groupId: config.DISPATCHER_CONSUMER_GROUP,
      topics: [config.PAYMENT_EVENTS_TOPIC],
      handler: (messages) => this.ingest(messages),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  async ingest(messages: IncomingMessage[]): Promise<void> {
    const events: NewEvent[] = [];
    for (const message of messages) {
      const body = message.value?.toString('utf8') ?? '';
      let parsed: ReturnType<typeof parsePaymentEvent>;
      try {
        parsed = parsePaymentEvent(JSON.parse(body));
      } catch {
        parsed = { ok: false, error: 'not JSON' };
      }
      if (!parsed.ok) {
        // A message no endpoint could use: kept aside rather than blocking the partition for ever.
        await this.quarantine.setAside({
          worker: 'ingest',
          recordId: `${message.topic}/${message.partition}/${message.offset}`,
          reason: `not a payment event: ${parsed.error}`,
          payload: message.value,
        });
        continue;
      }
      events.push({ id: parsed.value.id, type: parsed.value.type, body, publishedAt: message.timestamp, traceparent: parseTraceparent(message.headers.traceparent) ? message.headers.traceparent : null });
    }
    await runIsolated(events, {
      run: (batch) => retryOnConflict(() => this.recordAndHandOver(batch)),
      setAside: (event, reason) => this.quarantine.setAside({ worker: 'ingest', recordId: event.id, reason, payload: event.body }),
    });
  }

  /** Records the batch; the worker gets the rows it reserved once they commit, or its reservations back. */
  private async recordAndHandOver(events: NewEvent[]): Promise<void> {
    // The endpoint of each delivery the worker reserved, given back if the commit fails.
    const reserved: string[] = [];
    let handOff: ClaimedDelivery[];
    try {
      handOff = await this.database.transaction((tx) => this.record(tx, events, reserved));
    } catch (error) {
      this.worker.giveBack(reserved);
      throw error;
    }
    this.worker.handOver(handOff);
  }

  /**
   * The events and the endpoints of their types are asked for together (one round trip, on
   * the way from a payment's commit to its webhook); deliveries are made for the fresh events
   * only. Those the worker reserves are inserted leased, and the signing secrets of their
   * endpoints are read with the insert (the same round trip); returns them ready to send.
   */
  private async record(tx: Transaction, events: NewEvent[], reserved: string[]): Promise<ClaimedDelivery[]> {
    const [fresh, endpoints] = await Promise.all([recordEvents(tx, events), subscribedEndpoints(tx, [...new Set(events.map((event) => event.type))])]);
    if (fresh.length === 0) return [];
    const byId = new Map(events.map((event) => [event.id, event]));
    const deliveries = fresh.flatMap(({ id }) => {
      const event = byId.get(id) as NewEvent;
      return endpoints
        .filter((endpoint) => endpoint.event_types === null || endpoint.event_types.includes(event.type))
        .map((endpoint) => ({ id: deliveryId(), event, endpoint }));
    });
    const pending = deliveries.filter(({ endpoint }) => endpoint.status === 'pending');
    const taken = this.worker.reserve(pending.map(({ endpoint }) => endpoint.id));
    const leased = pending.filter((_, i) => taken[i]);
    reserved.push(...leased.map(({ endpoint }) => endpoint.id));
    const leasedIds = new Set(leased.map(({ id }) => id));
    const rows: NewDelivery[] = deliveries.map(({ id, event, endpoint }) => ({ id, endpointId: endpoint.id, eventId: event.id, eventType: event.type, status: endpoint.status, leased: leasedIds.has(id) }));
    const [secrets] = await tx.commit(Promise.all([secretsOf(tx, [...new Set(reserved)]), createDeliveries(tx, rows, this.worker.leaseMs)]));
    return leased.map(({ id, event, endpoint }) => ({
      id,
      endpoint_id: endpoint.id,
      attempts: 0,
      url: endpoint.url,
      rate_limit_per_second: endpoint.rate_limit_per_second,
      body: event.body,
      secrets: secrets.get(endpoint.id) ?? [],
      traceparent: event.traceparent,
    }));
  }
}
