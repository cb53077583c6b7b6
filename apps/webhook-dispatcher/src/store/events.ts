import { statement, type Sql } from '@payhook/platform';

/** The payment events the dispatcher consumed: every statement on `events`. */

export interface NewEvent {
  id: string;
  type: string;
  body: string;
  /** The Kafka record's timestamp, ms since the epoch. */
  publishedAt: string;
  /** The payment's trace, from the record's `traceparent` header: its webhooks continue it. */
  traceparent: string | null;
}

export interface EventRow {
  id: string;
  type: string;
  body: string;
  received_at: Date;
  seq: string;
  published_at: Date | null;
}

/** A redelivered message is a no-op: the event id is the primary key. */
const RECORD = statement(
  'events.record',
  `INSERT INTO events (id, type, body, published_at, traceparent)
   SELECT id, type, body, to_timestamp(ms / 1000.0), tp FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS e (id, type, body, ms, tp)
   ON CONFLICT (id) DO NOTHING RETURNING id, type`,
);
const pageStatement = (order: 'asc' | 'desc') =>
  statement(
    `events.page-${order}`,
    `SELECT id, type, body, received_at, published_at, seq FROM events
     WHERE ($1::timestamptz IS NULL OR received_at >= $1) AND ($2::timestamptz IS NULL OR received_at < $2)
       AND ($3::text IS NULL OR type = $3) AND ($4::bigint IS NULL OR seq ${order === 'asc' ? '>' : '<'} $4)
     ORDER BY seq ${order}
     LIMIT $5`,
  );
const PAGE = { asc: pageStatement('asc'), desc: pageStatement('desc') };
const PRUNE = statement(
  'events.prune',
  `DELETE FROM events WHERE id IN (
     SELECT id FROM events ev WHERE received_at < $1
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ev.id) LIMIT $2)`,
);

/** Records the events not seen before and returns those. */
export function recordEvents(tx: Sql, events: NewEvent[]): Promise<Array<{ id: string; type: string }>> {
  return tx.rows(RECORD, [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.body), events.map((e) => e.publishedAt), events.map((e) => e.traceparent)]);
}

export interface EventFilter {
  since?: string;
  until?: string;
  type?: string;
  /** The seq to page from (exclusive). */
  after?: string;
  order: 'asc' | 'desc';
  limit: number;
}

export function pageEvents(sql: Sql, filter: EventFilter): Promise<EventRow[]> {
  return sql.rows<EventRow>(PAGE[filter.order], [filter.since ?? null, filter.until ?? null, filter.type ?? null, filter.after ?? null, filter.limit]);
}

/** Events older than `cutoff` that no delivery refers to any more, at most `limit`. */
export function pruneEvents(sql: Sql, cutoff: Date, limit: number): Promise<number> {
  return sql.count(PRUNE, [cutoff, limit]);
}
