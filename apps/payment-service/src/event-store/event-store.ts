import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config';
import { evolve, fold } from '../payments/domain/decider';
import { toSnapshot, type PaymentEvent, type PaymentState } from '../payments/domain/payment';

/** Another writer appended to the stream first (SQLSTATE 23505 on (stream_id, version)). */
export class ConcurrencyError extends Error {}

export interface StoredEvent {
  id: string;
  type: PaymentEvent['type'];
  version: number;
  data: PaymentEvent['data'];
  createdAt: string;
}

interface EventRow {
  event_id: string;
  type: PaymentEvent['type'];
  version: number;
  data: PaymentEvent['data'];
  created_at: Date;
}

const toStored = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  type: row.type,
  version: row.version,
  data: row.data,
  createdAt: row.created_at.toISOString(),
});

export interface LoadedStream {
  state: PaymentState;
  version: number;
  events: StoredEvent[];
}

/**
 * Payments' event store. Appending writes each event and, in the same transaction, its
 * public envelope (with the payment snapshot after it) to the outbox.
 */
@Injectable()
export class EventStore {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
  ) {}

  async load(streamId: string, manager: EntityManager = this.dataSource.manager): Promise<LoadedStream> {
    const rows: EventRow[] = await manager.query(
      'SELECT event_id, type, version, data, created_at FROM events WHERE stream_id = $1 ORDER BY version',
      [streamId],
    );
    const events = rows.map(toStored);
    return {
      state: fold(events.map((e) => ({ type: e.type, data: e.data }) as PaymentEvent)),
      version: events.length ? events[events.length - 1].version : 0,
      events,
    };
  }

  /**
   * Appends after the loaded stream's version; throws ConcurrencyError if the stream moved on.
   * Returns the stream as it now stands, so callers need not read it again.
   */
  async append(manager: EntityManager, stream: LoadedStream, newEvents: PaymentEvent[]): Promise<LoadedStream> {
    let state = stream.state;
    let version = stream.version;
    const events = [...stream.events];
    const firstCreatedAt = stream.events[0]?.createdAt;
    for (const event of newEvents) {
      version += 1;
      state = evolve(state, event);
      const eventId = randomUUID();
      const now = new Date().toISOString();
      try {
        await manager.query(
          'INSERT INTO events (stream_id, version, event_id, type, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [state!.id, version, eventId, event.type, JSON.stringify(event.data), now],
        );
      } catch (error) {
        if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
          throw new ConcurrencyError(`stream ${state!.id} moved past version ${version - 1}`);
        }
        throw error;
      }
      const envelope = {
        id: eventId,
        type: event.type,
        createdAt: now,
        data: { object: toSnapshot(state!, version, firstCreatedAt ?? now, now) },
      };
      await manager.query(
        'INSERT INTO outbox (topic, message_key, event_id, event_type, payload) VALUES ($1, $2, $3, $4, $5)',
        [this.config.PAYMENT_EVENTS_TOPIC, state!.id, eventId, event.type, JSON.stringify(envelope)],
      );
      events.push({ id: eventId, type: event.type, version, data: event.data, createdAt: now });
    }
    return { state, version, events };
  }
}
