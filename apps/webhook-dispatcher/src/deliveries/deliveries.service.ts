import { Inject, Injectable } from '@nestjs/common';
import { ApiError, readableBytes } from '@payhook/platform';
import { DataSource, type EntityManager } from 'typeorm';
import type { ListDeliveriesQuery, RecoverRequest } from './delivery-requests';
import type { Attempt, Delivery } from './delivery-responses';
import { DeliveryWorker } from './delivery-worker';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: Delivery['status'];
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

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

const COLUMNS = `id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at`;

@Injectable()
export class DeliveriesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly worker: DeliveryWorker,
  ) {}

  async listForEndpoint(endpointId: string, query: ListDeliveriesQuery): Promise<Delivery[]> {
    await this.requireEndpoint(endpointId);
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM deliveries WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [endpointId, query.status ?? null, query.limit],
    );
    return rows.map(toDelivery);
  }

  async get(id: string): Promise<Delivery & { attemptLog: Attempt[] }> {
    const [row]: DeliveryRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    if (!row) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    const attempts: Array<{ attempted_at: Date; status_code: number | null; duration_ms: number; error: string | null; response_body: Buffer | null }> =
      await this.dataSource.query(
        'SELECT attempted_at, status_code, duration_ms, error, response_body FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id',
        [id],
      );
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
  async retry(manager: EntityManager, id: string): Promise<Delivery> {
    // The endpoint's lock before the delivery's: the one lock order (endpoint-status.ts).
    const [endpoint]: Array<{ status: string }> = await manager.query(
      'SELECT e.status FROM endpoints e JOIN deliveries d ON d.endpoint_id = e.id WHERE d.id = $1 FOR SHARE OF e',
      [id],
    );
    if (!endpoint) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    if (endpoint.status !== 'enabled') {
      throw new ApiError(409, 'endpoint_disabled', 'The delivery\'s endpoint is disabled; enable it first (PATCH status "enabled").');
    }
    const [[row]]: [DeliveryRow[], number] = await manager.query(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    if (!row) throw new ApiError(404, 'delivery_not_found', 'No such delivery.');
    return toDelivery(row);
  }

  /**
   * Re-sends an endpoint's failed deliveries created in [since, until); any it still holds
   * too, though enabling it has already released those.
   */
  async recover(manager: EntityManager, endpointId: string, request: RecoverRequest): Promise<{ recovered: number }> {
    const endpoint = await this.requireEndpoint(endpointId, manager, 'FOR SHARE');
    if (endpoint.status !== 'enabled') {
      throw new ApiError(409, 'endpoint_disabled', 'The endpoint is disabled; enable it first (PATCH status "enabled"), which sends what it held.');
    }
    const [, recovered]: [unknown, number] = await manager.query(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL, updated_at = now()
       WHERE endpoint_id = $1 AND status IN ('failed', 'held') AND created_at >= $2 AND ($3::timestamptz IS NULL OR created_at < $3)`,
      [endpointId, request.since, request.until ?? null],
    );
    return { recovered };
  }

  private async requireEndpoint(id: string, manager: EntityManager = this.dataSource.manager, lock: '' | 'FOR SHARE' = ''): Promise<{ status: string }> {
    const [endpoint] = await manager.query(`SELECT status FROM endpoints WHERE id = $1 ${lock}`, [id]);
    if (!endpoint) throw new ApiError(404, 'endpoint_not_found', 'No such endpoint.');
    return endpoint;
  }

  /** This process's worker now, every other instance through NOTIFY (after a retry or recover commits). */
  wake(): void {
    this.worker.kick();
    void this.dataSource.query(`SELECT pg_notify('deliveries', '')`).catch(() => undefined);
  }
}
