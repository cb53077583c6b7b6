import { batchStatement, statement, type Sql } from '@payhook/platform';

/** The append-only event store: every statement on `events`. (stream_id, version) is unique: optimistic concurrency. */

export interface EventRow {
  stream_id: string;
  event_id: string;
  type: string;
  version: number;
  data: unknown;
  created_at: Date;
  /** The trace the event was appended in (its metadata), if any. */
  traceparent: string | null;
}

export interface NewEvent {
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  data: unknown;
  createdAt: string;
  traceparent?: string;
}

const COLUMNS = "stream_id, event_id, type, version, data, created_at, metadata->>'traceparent' AS traceparent";
const LOAD = statement('events.load', `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY version`);
const LOAD_MANY = batchStatement('events.load-many', `SELECT ${COLUMNS} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, version`);
const APPEND = statement(
  'events.append',
  `INSERT INTO events (stream_id, version, event_id, type, data, created_at, metadata)
   SELECT s, v, e, t, d, c, CASE WHEN tp IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('traceparent', tp) END
   FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::text[]) AS u (s, v, e, t, d, c, tp)`,
);
const STREAMS_OF_ORDER = statement(
  'events.streams-of-order',
  "SELECT stream_id FROM events WHERE type = 'payment.created' AND data->>'orderId' = $1 ORDER BY global_position",
);

export function loadStream(sql: Sql, streamId: string): Promise<EventRow[]> {
  return sql.rows<EventRow>(LOAD, [streamId]);
}

/** The events of several streams in one round trip, each stream's in version order. */
export function loadStreams(sql: Sql, streamIds: string[]): Promise<EventRow[]> {
  return sql.rows<EventRow>(LOAD_MANY, [streamIds]);
}

/**
 * One statement for all of them (and for those other requests of the transaction append in
 * the same pass); fails with 23505 if another writer took one of these versions first.
 */
export async function appendEvents(tx: Sql, events: NewEvent[]): Promise<void> {
  await tx.batched(APPEND, [
    events.map((e) => e.streamId),
    events.map((e) => e.version),
    events.map((e) => e.eventId),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => e.createdAt),
    events.map((e) => e.traceparent ?? null),
  ]);
}

/** The payments created for an order, oldest first. */
export async function streamsOfOrder(sql: Sql, orderId: string): Promise<string[]> {
  return (await sql.rows<{ stream_id: string }>(STREAMS_OF_ORDER, [orderId])).map((r) => r.stream_id);
}
