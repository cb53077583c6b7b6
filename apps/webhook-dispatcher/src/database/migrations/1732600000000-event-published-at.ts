import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each event was put on Kafka (the record's timestamp), next to when it was
 * received: the lag between them is the outbox relay's and the broker's share of latency.
 */
export class EventPublishedAt1732600000000 implements MigrationInterface {
  name = 'EventPublishedAt1732600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE events ADD COLUMN published_at timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE events DROP COLUMN published_at');
  }
}
