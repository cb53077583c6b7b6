import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isPaymentEventType, PAYMENT_EVENT_TYPES } from '@payhook/contracts';
import { ApiError } from '@payhook/platform';
import { generateSecret } from '@payhook/webhook-signature';
import { DataSource, type EntityManager } from 'typeorm';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { checkTargetUrl } from './domain/target-address';
import type { CreateEndpointRequest, UpdateEndpointRequest } from './endpoint-requests';
import type { Endpoint } from './endpoint-responses';
import { disableEndpoint, enableEndpoint } from './endpoint-status';

interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  event_types: string[] | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  rate_limit_per_second: number | null;
  created_at: Date;
  updated_at: Date;
}

function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types ?? [...PAYMENT_EVENT_TYPES],
    status: row.status,
    disabledReason: row.disabled_reason,
    rateLimitPerSecond: row.rate_limit_per_second,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const notFound = () => new ApiError(404, 'endpoint_not_found', 'No such endpoint.');

@Injectable()
export class EndpointsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  async create(manager: EntityManager, request: CreateEndpointRequest): Promise<Endpoint & { secret: string }> {
    const url = this.checkUrl(request.url);
    const eventTypes = request.eventTypes ? this.checkEventTypes(request.eventTypes) : null;
    const id = `ep_${randomUUID().replace(/-/g, '')}`;
    const secret = request.secret ?? generateSecret();
    const [row] = await manager.query(
      `INSERT INTO endpoints (id, url, description, event_types, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, url, request.description ?? null, eventTypes, request.rateLimitPerSecond ?? null],
    );
    await manager.query('INSERT INTO endpoint_secrets (endpoint_id, secret) VALUES ($1, $2)', [id, secret]);
    return { ...toEndpoint(row), secret };
  }

  async list(): Promise<Endpoint[]> {
    const rows: EndpointRow[] = await this.dataSource.query('SELECT * FROM endpoints ORDER BY created_at, id');
    return rows.map(toEndpoint);
  }

  async get(id: string): Promise<Endpoint> {
    const [row]: EndpointRow[] = await this.dataSource.query('SELECT * FROM endpoints WHERE id = $1', [id]);
    if (!row) throw notFound();
    return toEndpoint(row);
  }

  async update(manager: EntityManager, id: string, request: UpdateEndpointRequest): Promise<Endpoint> {
    const url = request.url === undefined ? undefined : this.checkUrl(request.url);
    const eventTypes = request.eventTypes ? this.checkEventTypes(request.eventTypes) : request.eventTypes;
    // The endpoint's lock first, then its deliveries (endpoint-status.ts).
    const [current]: EndpointRow[] = await manager.query('SELECT * FROM endpoints WHERE id = $1 FOR NO KEY UPDATE', [id]);
    if (!current) throw notFound();
    if (request.status === 'disabled') await disableEndpoint(manager, id, 'disabled through the API');
    if (request.status === 'enabled') await enableEndpoint(manager, id, this.config.WEBHOOK_HOLD_MAX_AGE);
    // UPDATE … RETURNING answers [rows, rowCount] through TypeORM.
    const [[row]]: [EndpointRow[], number] = await manager.query(
      `UPDATE endpoints SET
         url = COALESCE($2, url),
         event_types = CASE WHEN $3::boolean THEN $4::text[] ELSE event_types END,
         description = CASE WHEN $5::boolean THEN $6 ELSE description END,
         rate_limit_per_second = CASE WHEN $7::boolean THEN $8::integer ELSE rate_limit_per_second END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        url ?? null,
        eventTypes !== undefined,
        eventTypes ?? null,
        request.description !== undefined,
        request.description ?? null,
        request.rateLimitPerSecond !== undefined,
        request.rateLimitPerSecond ?? null,
      ],
    );
    return toEndpoint(row);
  }

  async remove(manager: EntityManager, id: string): Promise<void> {
    const [, count] = await manager.query('DELETE FROM endpoints WHERE id = $1', [id]);
    if (count === 0) throw notFound();
  }

  /** A new current secret; the old one keeps signing (a second signature) for the overlap window. */
  async rotateSecret(manager: EntityManager, id: string): Promise<{ id: string; secret: string; previousSecretExpiresAt: string }> {
    const secret = generateSecret();
    const expiresAt = new Date(Date.now() + this.config.WEBHOOK_SECRET_ROTATION_OVERLAP);
    const [endpoint] = await manager.query('SELECT id FROM endpoints WHERE id = $1 FOR NO KEY UPDATE', [id]);
    if (!endpoint) throw notFound();
    await manager.query(
      `UPDATE endpoint_secrets SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE endpoint_id = $1`,
      [id, expiresAt],
    );
    await manager.query(`DELETE FROM endpoint_secrets WHERE endpoint_id = $1 AND expires_at <= now()`, [id]);
    await manager.query('INSERT INTO endpoint_secrets (endpoint_id, secret) VALUES ($1, $2)', [id, secret]);
    return { id, secret, previousSecretExpiresAt: expiresAt.toISOString() };
  }

  private checkUrl(value: string): string {
    const result = checkTargetUrl(value, this.config.WEBHOOK_ALLOWED_PRIVATE_TARGETS);
    if (!result.ok) throw new ApiError(result.code === 'invalid_url' ? 400 : 422, result.code, result.message);
    return result.url.toString();
  }

  private checkEventTypes(types: string[]): string[] {
    const unknown = types.filter((t) => !isPaymentEventType(t));
    if (unknown.length > 0) {
      throw new ApiError(
        422,
        'unknown_event_type',
        `eventTypes: unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${PAYMENT_EVENT_TYPES.join(', ')}.`,
      );
    }
    return [...new Set(types)];
  }
}
