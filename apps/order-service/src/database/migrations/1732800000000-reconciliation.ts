import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation: an order waiting on its payment is checked against payment-service now
 * and then; `reconciled_at` is when it last was, and the partial index finds the waiting ones.
 */
export class Reconciliation1732800000000 implements MigrationInterface {
  name = 'Reconciliation1732800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE orders ADD COLUMN reconciled_at timestamptz');
    await db.query(`CREATE INDEX orders_waiting ON orders (created_at) WHERE status = 'pending_payment' AND payment_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX orders_waiting');
    await db.query('ALTER TABLE orders DROP COLUMN reconciled_at');
  }
}
