import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim sets a delivery's lease, a column no index holds: with room left on its page
 * (fill factor 70), Postgres writes the new version there and no index entry (a HOT
 * update). At 100 every page is full when its rows are claimed, so each lease wrote an
 * entry into each of the table's indexes.
 */
export class DeliveriesFillFactor1733200000000 implements MigrationInterface {
  name = 'DeliveriesFillFactor1733200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE deliveries SET (fillfactor = 70)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE deliveries RESET (fillfactor)');
  }
}
