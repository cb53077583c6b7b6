import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { parsePaymentEvent } from '@payhook/contracts';
import { MessageConsumer, type IncomingMessage, type KafkaCluster } from '@payhook/messaging';
import { KAFKA, Quarantine, retryOnConflict, runIsolated } from '@payhook/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { deliveryId } from './delivery-id';

interface EndpointTarget {
  id: string;
  event_types: string[] | null;
  status: 'pending' | 'held';
}

interface IngestedEvent {
  id: string;
  type: string;
  body: string;
  publishedAt: string;
}

/**
 * Consumes payment events. One transaction per batch records each event once (its id is
 * the primary key, so a redelivered message is a no-op) and one delivery per endpoint
 * subscribed to its type: `pending` for an enabled endpoint, `held` for a disabled one
 * (sent when it is enabled again); the offset is committed only after that commit.
 * A message that is not a payment event, or an event whose recording fails on its own,
 * is quarantined with its bytes and the batch goes on without it.
 */
@Injectable()
export class EventIngest implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumer: MessageConsumer;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: KafkaCluster,
    @Inject(DISPATCHER_CONFIG) config: DispatcherConfig,
    private readonly quarantine: Quarantine,
  ) {
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
    const events: IngestedEvent[] = [];
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
      events.push({ id: parsed.value.id, type: parsed.value.type, body, publishedAt: message.timestamp });
    }
    await runIsolated(events, {
      run: (batch) => retryOnConflict(() => this.dataSource.transaction((manager) => this.record(manager, batch))),
      setAside: (event, reason) => this.quarantine.setAside({ worker: 'ingest', recordId: event.id, reason, payload: event.body }),
    });
  }

  private async record(manager: EntityManager, events: IngestedEvent[]): Promise<void> {
    const fresh: Array<{ id: string; type: string }> = await manager.query(
      `INSERT INTO events (id, type, body, published_at)
       SELECT id, type, body, to_timestamp(ms / 1000.0) FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS e (id, type, body, ms)
       ON CONFLICT (id) DO NOTHING RETURNING id, type`,
      [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.body), events.map((e) => e.publishedAt)],
    );
    if (fresh.length === 0) return;
    // The subscribed endpoints, share-locked in id order: an enable, disable or delete in
    // progress finishes first (and this reads its outcome) or waits for this commit (and
    // then sees these deliveries: an enable releases what is held here).
    const endpoints: EndpointTarget[] = await manager.query(
      `SELECT id, event_types, CASE WHEN status = 'enabled' THEN 'pending' ELSE 'held' END AS status FROM endpoints
       WHERE event_types IS NULL OR event_types && $1::text[]
       ORDER BY id FOR SHARE`,
      [[...new Set(fresh.map((event) => event.type))]],
    );
    const rows = fresh.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.event_types === null || endpoint.event_types.includes(event.type))
        .map((endpoint) => ({ id: deliveryId(), endpoint: endpoint.id, event: event.id, type: event.type, status: endpoint.status })),
    );
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO deliveries (id, endpoint_id, event_id, event_type, status)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [rows.map((r) => r.id), rows.map((r) => r.endpoint), rows.map((r) => r.event), rows.map((r) => r.type), rows.map((r) => r.status)],
    );
  }
}
