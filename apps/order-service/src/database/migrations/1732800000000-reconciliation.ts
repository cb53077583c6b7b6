import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation: an order waiting on its payment is checked against payment-service now
 * and then; `reconciled_at` is when it last was, and the partial index finds the waiting ones.
 * The inbox gets a retention (ORDER_INBOX_RETENTION), swept by its receive time.
 */
export class Reconciliation1732800000000 implements MigrationInterface {
  name = 'Reconciliation1732800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE orders ADD COLUMN reconciled_at timestamptz');
    await db.query('CREATE INDEX inbox_received ON inbox (received_at)');
    await db.query(`CREATE INDEX orders_waiting ON orders (created_at) WHERE status = 'pending_payment' AND payment_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX orders_waiting');
    await db.query('DROP INDEX inbox_received');
    await db.query('ALTER TABLE orders DROP COLUMN reconciled_at');
  }
}
