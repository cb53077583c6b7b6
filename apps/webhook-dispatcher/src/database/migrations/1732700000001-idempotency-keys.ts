import { createIdempotencyKeysTable } from '@payhook/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every mutating management route takes an Idempotency-Key; the first answer is kept here. */
export class IdempotencyKeys1732700000001 implements MigrationInterface {
  name = 'IdempotencyKeys1732700000001';

  async up(db: QueryRunner): Promise<void> {
    await createIdempotencyKeysTable(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
  }
}
