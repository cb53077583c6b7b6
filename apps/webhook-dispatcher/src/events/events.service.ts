import { Inject, Injectable } from '@nestjs/common';
import { ApiError, Database } from '@payhook/platform';
import { pageEvents } from '../store/events';
import type { ListEventsQuery } from './event-requests';
import type { EventsPage } from './event-responses';
import { decodeCursor, encodeCursor } from './page-cursor';

/**
 * The events the dispatcher holds (payment events it consumed, kept as long as a delivery
 * refers to them or WEBHOOK_RETENTION has not passed), paged in the order they were
 * recorded, so a consumer that missed webhooks can read what happened, as a payment
 * provider's events API does. An event recorded by a transaction still committing can
 * appear behind a cursor already handed out: re-read the last few seconds when catching up.
 */
@Injectable()
export class EventsService {
  constructor(@Inject(Database) private readonly database: Database) {}

  async list(query: ListEventsQuery): Promise<EventsPage> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) {
      throw new ApiError(400, 'invalid_cursor', 'cursor: not a cursor this API gave out (use nextCursor from the previous page).');
    }
    const rows = await pageEvents(this.database, {
      since: query.since,
      until: query.until,
      type: query.type,
      after: cursor,
      order: query.order,
      limit: query.limit + 1,
    });
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
