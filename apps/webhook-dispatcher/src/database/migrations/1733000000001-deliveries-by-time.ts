import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GET /v1/deliveries lists every endpoint's deliveries newest first: an index in that order, so it reads only what it shows. */
export class DeliveriesByTime1733000000001 implements MigrationInterface {
  name = 'DeliveriesByTime1733000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX deliveries_created ON deliveries (created_at DESC, id DESC)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX deliveries_created');
  }
}
