import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An insert wakes the delivery workers only when it adds a row they can claim: pending and
 * not leased. Rows the ingest inserts already leased to its own worker, and held rows, wake
 * nobody; a NOTIFY for them made every worker run a claim that found nothing.
 */
export class NotifyClaimableDeliveries1733300000000 implements MigrationInterface {
  name = 'NotifyClaimableDeliveries1733300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER deliveries_notify ON deliveries');
    await db.query(`
      CREATE OR REPLACE FUNCTION deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM inserted WHERE status = 'pending' AND lease_until IS NULL) THEN
          PERFORM pg_notify('deliveries', '');
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER deliveries_notify ON deliveries');
    await db.query(`
      CREATE OR REPLACE FUNCTION deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('deliveries', ''); RETURN NULL; END $$`);
    await db.query('CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify()');
  }
}
