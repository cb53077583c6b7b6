import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database, sqlState, type Sql } from '@payhook/platform';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config';
import { evolve, fold } from '../payments/domain/decider';
import { toSnapshot, type PaymentEvent, type PaymentState } from '../payments/domain/payment';
import { appendEvents, loadStream, loadStreams, type EventRow, type NewEvent } from '../store/events';
import { addToOutbox, type OutboxEntry } from '../store/outbox';

/** Another writer appended to the stream first: SQLSTATE 23505 on (stream_id, version). */
export function isStreamConflict(error: unknown): boolean {
  return sqlState(error) === '23505' && (error as { constraint?: unknown }).constraint === 'events_stream_version';
}

export interface StoredEvent {
  id: string;
  type: PaymentEvent['type'];
  version: number;
  data: PaymentEvent['data'];
  createdAt: string;
}

const toStored = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  type: row.type as PaymentEvent['type'],
  version: row.version,
  data: row.data as PaymentEvent['data'],
  createdAt: row.created_at.toISOString(),
});

export interface LoadedStream {
  state: PaymentState;
  version: number;
  events: StoredEvent[];
  /** The trace of the stream's latest traced change: the processing worker's events continue it. */
  traceparent?: string;
}

function toStream(rows: EventRow[]): LoadedStream {
  const events = rows.map(toStored);
  return {
    state: fold(events.map((e) => ({ type: e.type, data: e.data }) as PaymentEvent)),
    version: events.length ? events[events.length - 1].version : 0,
    events,
    traceparent: rows.findLast((row) => row.traceparent !== null)?.traceparent ?? undefined,
  };
}

/** New events for one loaded stream, in the trace given (else the stream's own). */
export interface StreamAppend {
  stream: LoadedStream;
  events: PaymentEvent[];
  traceparent?: string;
}

/**
 * Payments' event store. Appending writes the events and, in the same transaction, their
 * public envelopes (each with the payment snapshot after it) to the outbox: two statements
 * sent together, whatever the number of events.
 */
@Injectable()
export class EventStore {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
  ) {}

  async load(streamId: string, sql: Sql = this.database): Promise<LoadedStream> {
    return toStream(await loadStream(sql, streamId));
  }

  /** Several streams in one round trip, in the order asked for (an unknown one is empty). */
  async loadMany(streamIds: string[], sql: Sql): Promise<LoadedStream[]> {
    const byStream = new Map<string, EventRow[]>();
    for (const row of await loadStreams(sql, streamIds)) {
      const rows = byStream.get(row.stream_id);
      if (rows) rows.push(row);
      else byStream.set(row.stream_id, [row]);
    }
    return streamIds.map((streamId) => toStream(byStream.get(streamId) ?? []));
  }

  /**
   * Appends after the loaded stream's version; fails with a stream conflict (isStreamConflict) if the stream moved on.
   * Returns the stream as it now stands, so callers need not read it again. The events
   * carry `traceparent` (a request's trace), or else the stream's own, in their metadata and outbox rows.
   */
  async append(tx: Sql, stream: LoadedStream, newEvents: PaymentEvent[], traceparent = stream.traceparent): Promise<LoadedStream> {
    const [appended] = await this.appendAll(tx, [{ stream, events: newEvents, traceparent }]);
    return appended;
  }

  /** `append` for several streams: the same two statements, whatever the number of streams and events. */
  async appendAll(tx: Sql, appends: StreamAppend[]): Promise<LoadedStream[]> {
    const rows: NewEvent[] = [];
    const outbox: OutboxEntry[] = [];
    const appended = appends.map(({ stream, events: newEvents, traceparent = stream.traceparent }) => {
      let state = stream.state;
      let version = stream.version;
      const events = [...stream.events];
      const firstCreatedAt = stream.events[0]?.createdAt;
      for (const event of newEvents) {
        version += 1;
        state = evolve(state, event);
        const eventId = randomUUID();
        const now = new Date().toISOString();
        rows.push({ streamId: state!.id, version, eventId, type: event.type, data: event.data, createdAt: now, traceparent });
        const envelope = {
          id: eventId,
          type: event.type,
          createdAt: now,
          data: { object: toSnapshot(state!, version, firstCreatedAt ?? now, now) },
        };
        outbox.push({ topic: this.config.PAYMENT_EVENTS_TOPIC, key: state!.id, eventId, eventType: event.type, payload: JSON.stringify(envelope), traceparent });
        events.push({ id: eventId, type: event.type, version, data: event.data, createdAt: now });
      }
      return newEvents.length === 0 ? stream : { state, version, events, traceparent };
    });
    if (rows.length > 0) await Promise.all([appendEvents(tx, rows), addToOutbox(tx, outbox)]);
    return appended;
  }
}
