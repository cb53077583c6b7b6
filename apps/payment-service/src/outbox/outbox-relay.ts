import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { chunkBySize, isRecordRefused, MessageProducer, messageSize, type KafkaCluster, type OutgoingMessage } from '@payhook/messaging';
import { Database, databaseUrl, KAFKA, LOGGER, Metrics, Quarantine, runIsolated, sharedRead, SPACING_MS, statement, TRACING, WorkerLoop, type Hop, type Tracing } from '@payhook/platform';
import type { Logger } from 'pino';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config';
import { oldestInOutbox, outboxBacklog, removeFromOutbox, type OutboxRow } from '../store/outbox';

/** Only one relay publishes at a time, so per-payment order holds with several instances. */
const RELAY_LOCK = 7_460_101;
const TAKE_RELAY_LOCK = statement('outbox-relay.lock', 'SELECT pg_try_advisory_xact_lock($1) AS locked');

type Outgoing = OutgoingMessage & { row: OutboxRow; hop: Hop };

/**
 * Publishes outbox rows to Kafka in id order and deletes them once acknowledged, in one
 * transaction. It reads by presence, not by an id watermark, so a row whose transaction
 * committed late is never skipped. A crash between send and commit re-sends: consumers
 * dedupe by event id. While Kafka is down rows wait here; payments are still accepted.
 *
 * Requests are cut to KAFKA_MAX_MESSAGE_BYTES. An event that can never fit, or that the
 * broker refuses on its own (found by splitting a refused batch), is quarantined with its
 * payload and leaves the outbox, so it never stops the events behind it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly producer: MessageProducer;
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(KAFKA) kafka: KafkaCluster,
    @Inject(LOGGER) logger: Logger,
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
    private readonly quarantine: Quarantine,
    @Inject(Metrics) metrics: Metrics,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {
    this.producer = new MessageProducer(kafka);
    const backlog = sharedRead(() => outboxBacklog(database));
    metrics.sampled('payhook_outbox_depth', 'Events in the outbox, not yet acknowledged by Kafka', [], async () => [{ value: (await backlog()).depth }]);
    metrics.sampled('payhook_outbox_oldest_age_seconds', 'How long the oldest outbox row has waited (0 when the outbox is empty)', [], async () => [{ value: (await backlog()).oldestAgeSeconds }]);
    this.loop = new WorkerLoop({
      name: 'outbox-relay',
      logger,
      idleMs: config.OUTBOX_POLL_INTERVAL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
      spacingMs: SPACING_MS.endToEnd,
      runOnce: () => this.publishBatch(),
      wakeOn: { connectionString: databaseUrl(config.DATABASE_URL, config.PAYMENT_DATABASE_NAME), channel: 'outbox' },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    await this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
    await this.producer.disconnect();
  }

  /**
   * The commit does not wait for the WAL flush: Kafka already has the events, so a removal
   * lost in a server crash only publishes them again, and consumers dedupe by event id.
   */
  async publishBatch(): Promise<number> {
    return this.database.transaction(async (tx) => {
      // Sent together: the read is wasted only while another instance holds the lock.
      const [lock, rows] = await Promise.all([tx.row<{ locked: boolean }>(TAKE_RELAY_LOCK, [RELAY_LOCK]), oldestInOutbox(tx, this.config.OUTBOX_BATCH_SIZE)]);
      if (!lock?.locked || rows.length === 0) return 0;
      // A producer hop per event, continuing the trace of the change that made it.
      const messages: Outgoing[] = rows.map((row) => {
        const hop = this.tracing.hop(`publish ${row.event_type}`, row.traceparent, 'producer', { 'payhook.event_id': row.event_id });
        return { row, hop, key: row.message_key, value: row.payload, headers: { 'event-id': row.event_id, 'event-type': row.event_type, traceparent: hop.traceparent } };
      });
      const setAside = (message: Outgoing, reason: string) =>
        this.quarantine.setAside({ worker: 'outbox-relay', recordId: message.row.event_id, reason, payload: message.value }, tx);
      const maxBytes = this.config.KAFKA_MAX_MESSAGE_BYTES;
      const fitting: Outgoing[] = [];
      for (const message of messages) {
        const size = messageSize(message);
        if (size <= maxBytes) fitting.push(message);
        else await setAside(message, `the event takes ${size} bytes, over KAFKA_MAX_MESSAGE_BYTES=${maxBytes}`);
      }
      try {
        await runIsolated(fitting, { run: (batch) => this.send(batch), setAside, isTransient: (error) => !isRecordRefused(error) });
      } finally {
        for (const message of messages) message.hop.end();
      }
      await tx.commit(removeFromOutbox(tx, rows.map((r) => r.id)));
      return rows.length;
    }, { durable: false });
  }

  /** In id order, per topic, in requests that fit the broker's limit. */
  private async send(messages: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Outgoing[]>();
    for (const message of messages) byTopic.set(message.row.topic, [...(byTopic.get(message.row.topic) ?? []), message]);
    for (const [topic, topicMessages] of byTopic) {
      for (const chunk of chunkBySize(topicMessages, this.config.KAFKA_MAX_MESSAGE_BYTES)) {
        await this.producer.send(topic, chunk.map(({ key, value, headers }) => ({ key, value, headers })));
      }
    }
  }
}
