import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A receiver's reply is kept as the bytes it sent (a NUL or a UTF-16 body is data, not an
 * error), and a delivery whose attempt cannot be recorded at all is set aside as
 * `quarantined` instead of being re-sent every lease period.
 */
export class OutsideBytes1732700000000 implements MigrationInterface {
  name = 'OutsideBytes1732700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE delivery_attempts ALTER COLUMN response_body TYPE bytea USING convert_to(response_body, 'UTF8')`);
    await db.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check');
    await db.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'quarantined'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE deliveries SET status = 'failed' WHERE status = 'quarantined'`);
    await db.query('ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check');
    await db.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed'))`);
    await db.query(`ALTER TABLE delivery_attempts ALTER COLUMN response_body TYPE text USING convert_from(response_body, 'UTF8')`);
  }
}
