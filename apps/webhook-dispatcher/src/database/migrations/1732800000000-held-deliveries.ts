import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery for a disabled endpoint is `held`: recorded, neither sent nor failed, and
 * released in order when the endpoint is enabled again. Events get a sequence number in the
 * order they were recorded (one ingest batch shares a received_at), which the events API
 * (`GET /v1/events`) pages by.
 */
export class HeldDeliveries1732800000000 implements MigrationInterface {
  name = 'HeldDeliveries1732800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check');
    await db.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'held', 'delivered', 'failed', 'quarantined'))`);
    await db.query(`CREATE INDEX deliveries_held ON deliveries (endpoint_id, created_at) WHERE status = 'held'`);
    // The claim takes each endpoint's earliest due first, ties broken by id (creation order).
    await db.query('DROP INDEX deliveries_due');
    await db.query(`CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at, id) WHERE status = 'pending'`);
    await db.query('ALTER TABLE events ADD COLUMN seq bigserial');
    await db.query('CREATE UNIQUE INDEX events_seq ON events (seq)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE events DROP COLUMN seq');
    await db.query('DROP INDEX deliveries_due');
    await db.query(`CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`);
    await db.query('DROP INDEX deliveries_held');
    await db.query(`UPDATE deliveries SET status = 'failed', last_error = 'endpoint disabled' WHERE status = 'held'`);
    await db.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check');
    await db.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'quarantined'))`);
  }
}
