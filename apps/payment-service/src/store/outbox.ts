import { batchStatement, statement, type Sql } from '@payhook/platform';

/**
 * The transactional outbox: rows are added in the transaction that appends their events
 * and leave once Kafka has acknowledged them. Every statement on `outbox`.
 */

export interface OutboxEntry {
  topic: string;
  key: string;
  eventId: string;
  eventType: string;
  /** The event's JSON, kept as text and published byte for byte. */
  payload: string;
  /** The trace of the change that made the event: published as a Kafka header. */
  traceparent?: string;
}

export interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_id: string;
  event_type: string;
  payload: string;
  traceparent: string | null;
}

const ADD = statement(
  'outbox.add',
  `INSERT INTO outbox (topic, message_key, event_id, event_type, payload, traceparent)
   SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::json[], $6::text[])`,
);
const OLDEST = statement('outbox.oldest', 'SELECT id, topic, message_key, event_id, event_type, payload::text AS payload, traceparent FROM outbox ORDER BY id LIMIT $1');
const BACKLOG = statement('outbox.backlog', 'SELECT count(*)::int AS depth, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds FROM outbox');
const REMOVE = batchStatement('outbox.remove', 'DELETE FROM outbox WHERE id = ANY($1)');

/** One statement for the entries the transaction's requests add in the same pass. */
export async function addToOutbox(tx: Sql, entries: OutboxEntry[]): Promise<void> {
  await tx.batched(ADD, [
    entries.map((e) => e.topic),
    entries.map((e) => e.key),
    entries.map((e) => e.eventId),
    entries.map((e) => e.eventType),
    entries.map((e) => e.payload),
    entries.map((e) => e.traceparent ?? null),
  ]);
}

/** The oldest rows, in the order their events must be published. */
export function oldestInOutbox(sql: Sql, limit: number): Promise<OutboxRow[]> {
  return sql.rows<OutboxRow>(OLDEST, [limit]);
}

export async function removeFromOutbox(sql: Sql, ids: string[]): Promise<void> {
  if (ids.length > 0) await sql.count(REMOVE, [ids]);
}

/** How many rows wait and how long the oldest has waited (0 when none): for /metrics. */
export async function outboxBacklog(sql: Sql): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const row = await sql.row<{ depth: number; oldest_age_seconds: number }>(BACKLOG, []);
  return { depth: row?.depth ?? 0, oldestAgeSeconds: row?.oldest_age_seconds ?? 0 };
}
