import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A history entry can say why (a webhook refused as another order's payment, a payment
 * request set aside); payment requests are leased, not locked, while payment-service is
 * asked, so no row lock is held across that call.
 */
export class PaymentIntegrity1732700000000 implements MigrationInterface {
  name = 'PaymentIntegrity1732700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE order_history ADD COLUMN detail text');
    await db.query('ALTER TABLE payment_requests ADD COLUMN lease_until timestamptz');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE payment_requests DROP COLUMN lease_until');
    await db.query('ALTER TABLE order_history DROP COLUMN detail');
  }
}
