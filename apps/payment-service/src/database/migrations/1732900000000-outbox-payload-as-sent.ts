import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox keeps each event's JSON as written (`json`, not `jsonb`), so the relay
 * publishes it byte for byte instead of parsing and serialising it again.
 */
export class OutboxPayloadAsSent1732900000000 implements MigrationInterface {
  name = 'OutboxPayloadAsSent1732900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE outbox ALTER COLUMN payload TYPE jsonb USING payload::jsonb');
  }
}
