import { createIdempotencyKeysTable } from '@payhook/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentsSchema1732300000000 implements MigrationInterface {
  name = 'PaymentsSchema1732300000000';

  async up(db: QueryRunner): Promise<void> {
    // Append-only event store; (stream_id, version) unique = optimistic concurrency.
    await db.query(`
      CREATE TABLE events (
        global_position bigserial PRIMARY KEY,
        stream_id text NOT NULL,
        version integer NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_version UNIQUE (stream_id, version)
      )`);
    await db.query(`CREATE INDEX events_order_id ON events ((data->>'orderId')) WHERE type = 'payment.created'`);

    // Transactional outbox: written with the events, deleted once Kafka has acknowledged them.
    await db.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        message_key text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);

    // Payments waiting for their processing outcome; a row survives a crash until processed.
    await db.query(`
      CREATE TABLE processing_jobs (
        payment_id text PRIMARY KEY,
        due_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX processing_jobs_due ON processing_jobs (due_at)`);

    await createIdempotencyKeysTable(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
    await db.query('DROP TABLE processing_jobs');
    await db.query('DROP TRIGGER outbox_notify ON outbox');
    await db.query('DROP FUNCTION outbox_notify');
    await db.query('DROP TABLE outbox');
    await db.query('DROP TABLE events');
  }
}
