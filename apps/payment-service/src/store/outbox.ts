import { statement, type Sql } from '@payhook/platform';

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
}

export interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_id: string;
  event_type: string;
  payload: string;
}

const ADD = statement(
  'outbox.add',
  `INSERT INTO outbox (topic, message_key, event_id, event_type, payload)
   SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::json[])`,
);
const OLDEST = statement('outbox.oldest', 'SELECT id, topic, message_key, event_id, event_type, payload::text AS payload FROM outbox ORDER BY id LIMIT $1');
const REMOVE = statement('outbox.remove', 'DELETE FROM outbox WHERE id = ANY($1)');

export async function addToOutbox(tx: Sql, entries: OutboxEntry[]): Promise<void> {
  await tx.count(ADD, [
    entries.map((e) => e.topic),
    entries.map((e) => e.key),
    entries.map((e) => e.eventId),
    entries.map((e) => e.eventType),
    entries.map((e) => e.payload),
  ]);
}

/** The oldest rows, in the order their events must be published. */
export function oldestInOutbox(sql: Sql, limit: number): Promise<OutboxRow[]> {
  return sql.rows<OutboxRow>(OLDEST, [limit]);
}

export async function removeFromOutbox(sql: Sql, ids: string[]): Promise<void> {
  if (ids.length > 0) await sql.count(REMOVE, [ids]);
}
