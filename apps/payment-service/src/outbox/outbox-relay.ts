import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MessageProducer } from '@payhook/messaging';
import { databaseUrl, KAFKA, LOGGER, WorkerLoop } from '@payhook/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config';

/** Only one relay publishes at a time, so per-payment order holds with several instances. */
const RELAY_LOCK = 7_460_101;

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_id: string;
  event_type: string;
  payload: unknown;
}

/**
 * Publishes outbox rows to Kafka in id order and deletes them once acknowledged, in one
 * transaction. It reads by presence, not by an id watermark, so a row whose transaction
 * committed late is never skipped. A crash between send and commit re-sends: consumers
 * dedupe by event id. While Kafka is down rows wait here; payments are still accepted.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly producer: MessageProducer;
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(LOGGER) logger: Logger,
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
  ) {
    this.producer = new MessageProducer(kafka);
    this.loop = new WorkerLoop({
      name: 'outbox-relay',
      logger,
      idleMs: config.OUTBOX_POLL_INTERVAL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
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

  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        'SELECT id, topic, message_key, event_id, event_type, payload FROM outbox ORDER BY id LIMIT $1',
        [this.config.OUTBOX_BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
      for (const [topic, topicRows] of byTopic) {
        await this.producer.send(
          topic,
          topicRows.map((r) => ({
            key: r.message_key,
            value: JSON.stringify(r.payload),
            headers: { 'event-id': r.event_id, 'event-type': r.event_type },
          })),
        );
      }
      await manager.query('DELETE FROM outbox WHERE id = ANY($1)', [rows.map((r) => r.id)]);
      return rows.length;
    });
  }
}
