import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every mutating management route takes an Idempotency-Key; the first answer is kept here. */
export class IdempotencyKeys1732700000001 implements MigrationInterface {
  name = 'IdempotencyKeys1732700000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        request_hash text NOT NULL,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
  }
}
