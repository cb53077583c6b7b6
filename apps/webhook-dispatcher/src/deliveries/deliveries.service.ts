import { Inject, Injectable } from '@nestjs/common';
import { ApiError, Database, readableBytes, type Sql } from '@payhook/platform';
import {
  searchDeliveries,
  attemptsOf,
  findDelivery,
  listDeliveriesForEndpoint,
  recoverDeliveries,
  retryDelivery,
  wakeDeliveryWorkers,
  type DeliveryRow,
} from '../store/deliveries';
import { findEndpoint, shareLockEndpoint, shareLockEndpointOfDelivery } from '../store/endpoints';
import type { ListDeliveriesQuery, RecoverRequest, SearchDeliveriesQuery } from './delivery-requests';
import type { Attempt, Delivery } from './delivery-responses';
import { DeliveryWorker } from './delivery-worker';

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

const endpointNotFound = () => new ApiError(404, 'endpoint_not_found', 'No such endpoint.');

@Injectable()
export class DeliveriesService {
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly worker: DeliveryWorker,
  ) {}

  async listForEndpoint(endpointId: string, query: ListDeliveriesQuery): Promise<Delivery[]> {
    if (!(await findEndpoint(this.database, endpointId))) throw endpointNotFound();
    return (await listDeliveriesForEndpoint(this.database, endpointId, query)).map(toDelivery);
  }

  async search(query: SearchDeliveriesQuery): Promise<Delivery[]> {
    return (await searchDeliveries(this.database, query)).map(toDelivery);
  }

  async get(id: string): Promise<Delivery & { attemptLog: Attempt[] }> {
    const [row, attempts] = await Promise.all([findDelivery(this.database, id), attemptsOf(this.database, id)]);
    if (!row) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    return {
      ...toDelivery(row),
      attemptLog: attempts.map((a) => ({
        attemptedAt: a.attempted_at.toISOString(),
        statusCode: a.status_code,
        durationMs: a.duration_ms,
        error: a.error,
        ...(a.response_body ? { responseBody: readableBytes(a.response_body).text, responseBodyBase64: a.response_body.toString('base64') } : { responseBody: null, responseBodyBase64: null }),
      })),
    };
  }

  /**
   * Sends a delivery again now, whatever its status: same webhook-id, fresh timestamp and
   * signature. If that attempt fails, the rest of its retry schedule applies.
   */
  async retry(tx: Sql, id: string): Promise<Delivery> {
    // The endpoint's lock before the delivery's: the one lock order (endpoint-status.ts).
    const endpoint = await shareLockEndpointOfDelivery(tx, id);
    if (!endpoint) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    if (endpoint.status !== 'enabled') {
      throw new ApiError(409, 'endpoint_disabled', 'The delivery\'s endpoint is disabled; enable it first (PATCH status "enabled").');
    }
    const row = await retryDelivery(tx, id);
    if (!row) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    return toDelivery(row);
  }

  /**
   * Re-sends an endpoint's failed deliveries created in [since, until); any it still holds
   * too, though enabling it has already released those.
   */
  async recover(tx: Sql, endpointId: string, request: RecoverRequest): Promise<{ recovered: number }> {
    const endpoint = await shareLockEndpoint(tx, endpointId);
    if (!endpoint) throw endpointNotFound();
    if (endpoint.status !== 'enabled') {
      throw new ApiError(409, 'endpoint_disabled', 'The endpoint is disabled; enable it first (PATCH status "enabled"), which sends what it held.');
    }
    return { recovered: await recoverDeliveries(tx, endpointId, request.since, request.until ?? null) };
  }

  /** This process's worker now, every other instance through NOTIFY (after a retry or recover commits). */
  wake(): void {
    this.worker.kick();
    void wakeDeliveryWorkers(this.database).catch(() => undefined);
  }
}
