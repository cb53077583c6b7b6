import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment request inserted already leased is sent by the process that placed the order,
 * straight after the commit: only those inserted unleased wake the pollers.
 */
export class EagerPaymentRequests1733100000000 implements MigrationInterface {
  name = 'EagerPaymentRequests1733100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER payment_requests_notify ON payment_requests');
    await db.query(
      'CREATE TRIGGER payment_requests_notify AFTER INSERT ON payment_requests FOR EACH ROW WHEN (NEW.lease_until IS NULL) EXECUTE FUNCTION payment_requests_notify()',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER payment_requests_notify ON payment_requests');
    await db.query('CREATE TRIGGER payment_requests_notify AFTER INSERT ON payment_requests FOR EACH STATEMENT EXECUTE FUNCTION payment_requests_notify()');
  }
}
