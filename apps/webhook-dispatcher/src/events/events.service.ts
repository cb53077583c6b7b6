import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@payhook/platform';
import { DataSource } from 'typeorm';
import type { ListEventsQuery } from './event-requests';
import type { EventsPage } from './event-responses';
import { decodeCursor, encodeCursor } from './page-cursor';

interface EventRow {
  id: string;
  type: string;
  body: string;
  received_at: Date;
  seq: string;
  published_at: Date | null;
}

/**
 * The events the dispatcher holds (payment events it consumed, kept as long as a delivery
 * refers to them or WEBHOOK_RETENTION has not passed), paged in the order they were
 * recorded, so a consumer that missed webhooks can read what happened, as a payment
 * provider's events API does. An event recorded by a transaction still committing can
 * appear behind a cursor already handed out: re-read the last few seconds when catching up.
 */
@Injectable()
export class EventsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(query: ListEventsQuery): Promise<EventsPage> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new ApiError(400, 'invalid_cursor', 'cursor: not a cursor this API gave out (use nextCursor from the previous page).');
    }
    const after = query.order === 'asc' ? '>' : '<';
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT id, type, body, received_at, published_at, seq FROM events
       WHERE ($1::timestamptz IS NULL OR received_at >= $1) AND ($2::timestamptz IS NULL OR received_at < $2)
         AND ($3::text IS NULL OR type = $3) AND ($4::bigint IS NULL OR seq ${after} $4)
       ORDER BY seq ${query.order}
       LIMIT $5`,
      [query.since ?? null, query.until ?? null, query.type ?? null, cursor ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => ({
        id: row.id,
        type: row.type,
        receivedAt: row.received_at.toISOString(),
        publishedAt: row.published_at?.toISOString() ?? null,
        event: JSON.parse(row.body),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.seq) : null,
    };
  }
}
