import { createIdempotencyKeysTable } from '@payhook/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrdersSchema1732500000000 implements MigrationInterface {
  name = 'OrdersSchema1732500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders (
        id text PRIMARY KEY,
        status text NOT NULL,
        items jsonb NOT NULL,
        amount integer NOT NULL,
        currency text NOT NULL,
        payment_id text,
        payment_version integer NOT NULL DEFAULT 0,   -- highest payment version applied
        failure_code text,
        amount_refunded integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX orders_status ON orders (status, created_at)`);

    // Every change of an order, with the webhook (event) that caused it.
    await db.query(`
      CREATE TABLE order_history (
        id bigserial PRIMARY KEY,
        order_id text NOT NULL REFERENCES orders (id),
        status text NOT NULL,
        cause text NOT NULL,
        event_id text,
        webhook_id text,
        payment_version integer,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX order_history_order ON order_history (order_id, id)`);
    await db.query(`
      CREATE FUNCTION order_history_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('order_changes', NEW.order_id); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER order_history_notify AFTER INSERT ON order_history FOR EACH ROW EXECUTE FUNCTION order_history_notify()`);

    // The outbox of payment requests: one per order until payment-service has answered.
    await db.query(`
      CREATE TABLE payment_requests (
        order_id text PRIMARY KEY REFERENCES orders (id),
        payment_method text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text
      )`);
    await db.query(`
      CREATE FUNCTION payment_requests_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('payment_requests', ''); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER payment_requests_notify AFTER INSERT ON payment_requests FOR EACH STATEMENT EXECUTE FUNCTION payment_requests_notify()`);

    // The inbox: a webhook-id seen once; written in the transaction of the change it made.
    await db.query(`
      CREATE TABLE inbox (
        webhook_id text PRIMARY KEY,
        event_id text NOT NULL,
        duplicates integer NOT NULL DEFAULT 0,        -- copies received after the first
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    // This service's registration at the dispatcher, reused across restarts.
    await db.query(`
      CREATE TABLE webhook_registration (
        endpoint_id text PRIMARY KEY,
        url text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE webhook_secrets (
        id bigserial PRIMARY KEY,
        secret text NOT NULL,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await createIdempotencyKeysTable(db);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'webhook_secrets', 'webhook_registration', 'inbox', 'payment_requests', 'order_history', 'orders']) {
      await db.query(`DROP TABLE ${table} CASCADE`);
    }
    await db.query('DROP FUNCTION payment_requests_notify');
    await db.query('DROP FUNCTION order_history_notify');
  }
}
