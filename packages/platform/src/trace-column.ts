import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration adding a nullable `traceparent` column to a table whose rows start the next
 * hop of a trace (order-service's payment requests, payment-service's outbox, the
 * dispatcher's events). Rows written before it have none: their next hop starts a new trace.
 */
export function traceparentColumn(table: string, timestamp: number): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = `TraceparentOn${table.replace(/(^|_)(\w)/g, (_, _sep, c: string) => c.toUpperCase())}${timestamp}`;

    async up(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${table} ADD COLUMN traceparent text`);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`ALTER TABLE ${table} DROP COLUMN traceparent`);
    }
  };
}
