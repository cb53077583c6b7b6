import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An order change is stamped when it is written (clock_timestamp), a moment before its
 * commit, rather than when its transaction began (now()): the latency of a webhook's
 * effect is measured up to this stamp.
 */
export class HistoryWriteTime1732600000000 implements MigrationInterface {
  name = 'HistoryWriteTime1732600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE order_history ALTER COLUMN at SET DEFAULT clock_timestamp()');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE order_history ALTER COLUMN at SET DEFAULT now()');
  }
}
