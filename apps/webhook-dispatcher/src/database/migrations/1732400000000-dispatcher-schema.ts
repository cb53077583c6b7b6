import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DispatcherSchema1732400000000 implements MigrationInterface {
  name = 'DispatcherSchema1732400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE endpoints (
        id text PRIMARY KEY,
        url text NOT NULL,
        description text,
        event_types text[],                 -- NULL: every event type
        status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
        disabled_reason text,
        rate_limit_per_second integer,
        failing_since timestamptz,          -- first failure since the last success
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The current secret has no expiry; a rotated-out one signs too until expires_at.
    await db.query(`
      CREATE TABLE endpoint_secrets (
        id bigserial PRIMARY KEY,
        endpoint_id text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz
      )`);
    await db.query(`CREATE INDEX endpoint_secrets_endpoint ON endpoint_secrets (endpoint_id)`);

    // Each consumed event once (a redelivered Kafka message finds its id here); the body
    // is kept as text so the bytes signed are exactly the bytes sent.
    await db.query(`
      CREATE TABLE events (
        id text PRIMARY KEY,
        type text NOT NULL,
        body text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The delivery outbox: one row per (event, endpoint), claimed by workers under a lease.
    await db.query(`
      CREATE TABLE deliveries (
        id text PRIMARY KEY,                -- also the webhook-id header
        endpoint_id text NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
        event_id text NOT NULL REFERENCES events (id),
        event_type text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT deliveries_event_endpoint UNIQUE (event_id, endpoint_id)
      )`);
    await db.query(`CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, created_at DESC)`);
    await db.query(`CREATE INDEX deliveries_delivered ON deliveries (delivered_at) WHERE status = 'delivered'`);
    await db.query(`
      CREATE FUNCTION deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('deliveries', ''); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify()`);

    await db.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id text NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        response_body text
      )`);
    await db.query(`CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE delivery_attempts');
    await db.query('DROP TRIGGER deliveries_notify ON deliveries');
    await db.query('DROP FUNCTION deliveries_notify');
    await db.query('DROP TABLE deliveries');
    await db.query('DROP TABLE events');
    await db.query('DROP TABLE endpoint_secrets');
    await db.query('DROP TABLE endpoints');
  }
}
